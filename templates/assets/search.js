// The archive's search. The list of every entry is on the page without JavaScript; this script
// shows the search form, and on first use loads MiniSearch and the index, both from the site.
const form = document.querySelector('form[data-search-index]');
if (form !== null) enhance(form);

function enhance(form) {
  const input = form.querySelector('input[type="search"]');
  const status = document.getElementById(form.dataset.status);
  const results = document.getElementById(form.dataset.results);
  const list = document.getElementById(form.dataset.list);
  const dates = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: 'long', timeZone: 'UTC' });
  let loading;
  let latest = 0;
  let announcing;

  // Same folding as the build (src/search-index.ts): lower case, accents and other marks removed.
  const fold = (term) => term.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

  const load = () => {
    loading ??= Promise.all([
      import(form.dataset.library),
      fetch(form.dataset.searchIndex).then((response) => {
        if (!response.ok) throw new Error(`${response.status} for ${response.url}`);
        return response.json();
      }),
    ]).then(([library, file]) => {
      if (file.format !== 1) throw new Error(`unknown search index format ${file.format}`);
      const stopWords = new Set(file.stopWords);
      const index = library.default.loadJS(file.index, { fields: file.fields, storeFields: ['title', 'url', 'date'] });
      return { index, stopWords };
    });
    // A failed load (the network gone, say) is tried again at the next keystroke.
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };

  const say = (text, delay) => {
    clearTimeout(announcing);
    // Emptied first: a live region whose text comes back the same ("2 results" for the next
    // query too) is not read out again.
    status.textContent = '';
    // Announced once typing pauses, not at every key.
    announcing = setTimeout(() => {
      status.textContent = text;
    }, delay);
  };

  const count = (n) => (n === 0 ? form.dataset.none : n === 1 ? form.dataset.one : form.dataset.many.replace('{0}', String(n)));

  const show = (found) => {
    const items = found.map((result) => {
      const item = document.createElement('li');
      const time = document.createElement('time');
      time.dateTime = result.date;
      time.textContent = dates.format(new Date(`${result.date}T00:00:00Z`));
      const link = document.createElement('a');
      link.href = result.url;
      link.textContent = result.title;
      item.append(time, ' ', link);
      return item;
    });
    results.replaceChildren(...items);
  };

  const run = async () => {
    const query = input.value;
    const run = ++latest;
    if (query.trim() === '') {
      results.hidden = true;
      results.replaceChildren();
      list.hidden = false;
      say('', 0);
      return;
    }
    let search;
    try {
      search = await load();
    } catch (error) {
      console.error(error);
      say(form.dataset.failed, 0);
      return;
    }
    // A later keystroke has already answered.
    if (run !== latest) return;
    const terms = query
      .split(/[\n\r\p{Z}\p{P}]+/u)
      .map(fold)
      .filter((term) => term !== '' && !search.stopWords.has(term));
    const found =
      terms.length === 0
        ? []
        : search.index.search(terms.join(' '), {
            processTerm: (term) => term,
            prefix: true,
            fuzzy: (term) => (term.length > 4 ? 0.2 : false),
            combineWith: 'AND',
            boost: { title: 3, description: 2 },
          });
    show(found);
    // An empty list would be read out as one; the status says "No results" instead.
    results.hidden = found.length === 0;
    list.hidden = true;
    say(count(found.length), 500);
  };

  form.hidden = false;
  input.addEventListener('focus', () => load().catch(() => undefined), { once: true });
  input.addEventListener('input', run);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  const asked = new URLSearchParams(location.search).get('q');
  if (asked) {
    input.value = asked;
    run();
  }
}
