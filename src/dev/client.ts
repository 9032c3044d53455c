/**
 * The script `podsite dev` adds to every HTML page it serves: it listens for builds, reloads the
 * page when it changed, swaps stylesheets when only CSS changed, and shows the build's errors over
 * the page. Plain DOM and EventSource, no framework; text is set with textContent, never as HTML.
 */
export const CLIENT_SCRIPT = String.raw`(() => {
  const script = document.currentScript;
  const events = new EventSource(script.dataset.events);
  const here = decodeURI(location.pathname);
  let overlay;

  function hideOverlay() {
    if (overlay) overlay.remove();
    overlay = undefined;
  }

  function showOverlay(diagnostics) {
    hideOverlay();
    overlay = document.createElement('div');
    overlay.id = 'podsite-error-overlay';
    overlay.setAttribute('role', 'alertdialog');
    overlay.setAttribute('aria-label', 'Build errors');
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,28,.97);color:#f4f4f4;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem';
    const title = document.createElement('h2');
    title.textContent = 'podsite: the build has ' + diagnostics.length + ' error' + (diagnostics.length === 1 ? '' : 's') + '; the last good site is shown';
    title.style.cssText = 'margin:0 0 1rem;font-size:16px;color:#ff8a80';
    overlay.append(title);
    for (const d of diagnostics) {
      const item = document.createElement('section');
      item.className = 'podsite-diagnostic';
      item.style.cssText = 'margin:0 0 1.5rem';
      const where = document.createElement('div');
      where.className = 'podsite-location';
      where.textContent = d.file + (d.line > 0 ? ':' + d.line + ':' + d.column : '') + '  ' + d.rule;
      where.style.color = '#80cbc4';
      const message = document.createElement('div');
      message.className = 'podsite-message';
      message.textContent = d.message;
      item.append(where, message);
      if (d.frame) {
        const frame = document.createElement('pre');
        frame.textContent = d.frame;
        frame.style.cssText = 'margin:.5rem 0;padding:.5rem;background:#000;overflow:auto';
        item.append(frame);
      }
      if (d.hint) {
        const hint = document.createElement('div');
        hint.textContent = 'hint: ' + d.hint;
        hint.style.color = '#ffe082';
        item.append(hint);
      }
      overlay.append(item);
    }
    document.body.append(overlay);
  }

  function swapStylesheets() {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set('podsite', String(Date.now()));
      link.href = url.href;
    }
  }

  events.addEventListener('build', (event) => {
    const build = JSON.parse(event.data);
    if (build.errors.length > 0) return showOverlay(build.errors);
    hideOverlay();
    if (build.changed.length === 0) return;
    if (build.changed.every((page) => page.endsWith('.css'))) return swapStylesheets();
    if (build.reload || build.changed.includes(here)) location.reload();
  });
})();
`;
