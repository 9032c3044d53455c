// The archive's search. The list of every entry is on the page without JavaScript; this script
// shows the search form, and on first use loads MiniSearch and the index's head, both from the
// site; the shards of the whole notes that a query's words fall in come as the query asks for them.
const form = document.querySelector('form[data-search-index]');
if (form !== null) enhance(form);

function enhance(form) {
  const input = form.querySelector('input[type="search"]');
  const status = document.getElementById(form.dataset.status);
  const results = document.getElementById(form.dataset.results);
  const list = document.getElementById(form.dataset.list);
  const dates = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: 'long', timeZone: 'UTC' });
  let loading;
  // Shards by file, loaded or loading; a failed one is forgotten, to be asked again.
  const shards = new Map();
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
      if (file.format !== 2) throw new Error(`unknown search index format ${file.format}`);
      const stopWords = new Set(file.stopWords);
      const index = library.default.loadJS(file.index, { fields: file.fields, storeFields: ['title', 'url', 'date'] });
      return { library: library.default, index, fields: file.fields, stopWords, notes: file.notes, base: new URL(form.dataset.searchIndex, location.href) };
    });
    // A failed load (the network gone, say) is tried again at the next keystroke.
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };

  // The shards that may hold words starting with `term`: a shard holds the terms from its `from`
  // up to the next one's, in code-unit order as the build sorted them. Short words have none:
  // the notes have no such words, and as prefixes they would fetch many shards mid-typing.
  const shardsFor = (search, term) => {
    const list = search.notes.shards;
    if (term.length < search.notes.queryLength) return undefined;
    return list.filter((shard, i) => (i + 1 === list.length || list[i + 1].from > term) && (shard.from <= term || shard.from.startsWith(term)));
  };

  // `index` is set once the shard is here, so that a query can tell it need not wait.
  const loadShard = (search, file) => {
    let shard = shards.get(file);
    if (shard === undefined) {
      shard = {};
      shard.loading = fetch(new URL(file, search.base))
        .then((response) => {
          if (!response.ok) throw new Error(`${response.status} for ${response.url}`);
          return response.json();
        })
        .then((json) => {
          if (json.format !== 2) throw new Error(`unknown search shard format ${json.format}`);
          shard.index = search.library.loadJS({ ...search.notes.index, storedFields: {}, index: json.index }, { fields: search.notes.fields });
        });
      shard.loading.catch(() => shards.delete(file));
      shards.set(file, shard);
    }
    return shard;
  };

  // Each word is looked for in the head's fields and, once they are here, in its shards' notes in
  // place of the head's start of the notes; scores add up, as one index of everything would give.
  // Every word must match somewhere (AND); the order is by score, then newest first.
  const find = (search, terms, notes) => {
    let found;
    for (const term of terms) {
      const scores = new Map();
      const add = (index, fields) => {
        const options = { fields, processTerm: (t) => t, prefix: true, fuzzy: (t) => (t.length > 4 ? 0.2 : false), boost: { title: 3, description: 2 } };
        for (const result of index.search(term, options)) scores.set(result.id, (scores.get(result.id) ?? 0) + result.score);
      };
      const sharded = notes.get(term);
      add(search.index, sharded === undefined ? search.fields : search.fields.filter((field) => field !== 'notes'));
      for (const shard of sharded ?? []) add(shard, search.notes.fields);
      found = found === undefined ? scores : new Map([...scores].filter(([id]) => found.has(id)).map(([id, score]) => [id, score + found.get(id)]));
    }
    return [...(found ?? [])].sort(([a, x], [b, y]) => y - x || a - b).map(([id]) => search.index.getStoredFields(id));
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
      results.removeAttribute('aria-busy');
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
    const wanted = terms.map((term) => [term, shardsFor(search, term)]).filter(([, list]) => list !== undefined);
    const needed = new Map(wanted.flatMap(([, list]) => list.map((shard) => [shard.file, loadShard(search, shard.file)])));
    if ([...needed.values()].some((shard) => shard.index === undefined)) {
      // The head's results at once, from the start of the notes; the whole notes refine them
      // when their shards arrive. Nothing is announced until then: the count would change.
      const first = find(search, terms, new Map());
      show(first);
      results.hidden = first.length === 0;
      list.hidden = true;
      results.setAttribute('aria-busy', 'true');
      clearTimeout(announcing);
      try {
        await Promise.all([...needed.values()].map((shard) => shard.loading));
      } catch (error) {
        console.error(error);
        if (run !== latest) return;
        results.removeAttribute('aria-busy');
        // An archive.hbs copied before `data-partial` existed gets the count alone.
        say((form.dataset.partial ?? '{0}').replace('{0}', count(results.childElementCount)), 0);
        return;
      }
      if (run !== latest) return;
    }
    const notes = new Map(wanted.map(([term, list]) => [term, list.map((shard) => needed.get(shard.file).index)]));
    const found = find(search, terms, notes);
    show(found);
    results.removeAttribute('aria-busy');
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
