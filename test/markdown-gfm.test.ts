import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/markdown.js';

// What remark with remark-gfm and remark-html wrote for these notes, polished as every note is:
// the contract of `renderMarkdown` whichever Markdown engine is behind it. Markdown, HTML, text.
const CASES: Record<string, [string, string, string][]> = {
  'strikethrough: one or two tildes, the same number on each side': [
    ['A ~single~ tilde.', '<p>A <del>single</del> tilde.</p>\n', 'A single tilde.'],
    ['~~double~~', '<p><del>double</del></p>\n', 'double'],
    ['a ~~~b~~~ c', '<p>a ~~~b~~~ c</p>\n', 'a ~~~b~~~ c'],
    ['~one~~ mixed', '<p>~one~~ mixed</p>\n', '~one~~ mixed'],
    ['a~b~c', '<p>a<del>b</del>c</p>\n', 'abc'],
    ['x ~ y ~ z', '<p>x ~ y ~ z</p>\n', 'x ~ y ~ z'],
    ['~a ~b~ c~', '<p><del>a <del>b</del> c</del></p>\n', 'a b c'],
    ['~~a ~b~ c~~', '<p><del>a <del>b</del> c</del></p>\n', 'a b c'],
    ['~~a~~~', '<p>~~a~~~</p>\n', '~~a~~~'],
    ['~a~~b~', '<p><del>a~~b</del></p>\n', 'a~~b'],
    ['(~a~)', '<p>(<del>a</del>)</p>\n', '(a)'],
    ['~a\nb~', '<p><del>a\nb</del></p>\n', 'a b'],
  ],
  'task list items: a checkbox first in an item, classes on the item and its list': [
    ['- [ ] task\n- [x] done', '<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" disabled> task</li>\n<li class="task-list-item"><input type="checkbox" checked disabled> done</li>\n</ul>\n', 'task done'],
    ['- [X] upper', '<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" checked disabled> upper</li>\n</ul>\n', 'upper'],
    ['* [ ]  two spaces', '<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" disabled>  two spaces</li>\n</ul>\n', 'two spaces'],
    ['- [x]\tTab', '<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" checked disabled> Tab</li>\n</ul>\n', 'Tab'],
    ['- [\t] tab inside', '<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" disabled> tab inside</li>\n</ul>\n', 'tab inside'],
    ['- [ ]\n  foo', '<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" disabled> foo</li>\n</ul>\n', 'foo'],
    ['- [ ]  \n  foo', '<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" disabled> <br>\nfoo</li>\n</ul>\n', 'foo'],
    ['3. [ ] a\n4. b', '<ol start="3" class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" disabled> a</li>\n<li>b</li>\n</ol>\n', 'a b'],
    ['- [ ] loose\n\n- [x] loose two', '<ul class="contains-task-list">\n<li class="task-list-item">\n<p><input type="checkbox" disabled> loose</p>\n</li>\n<li class="task-list-item">\n<p><input type="checkbox" checked disabled> loose two</p>\n</li>\n</ul>\n', 'loose loose two'],
    ['- a\n- [ ] b', '<ul class="contains-task-list">\n<li>a</li>\n<li class="task-list-item"><input type="checkbox" disabled> b</li>\n</ul>\n', 'a b'],
    ['- [x] done\n  - [ ] nested', '<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" checked disabled> done\n<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" disabled> nested</li>\n</ul>\n</li>\n</ul>\n', 'done nested'],
    ['- [ ]\n- [x]', '<ul>\n<li>[ ]</li>\n<li>[x]</li>\n</ul>\n', '[ ] [x]'],
    ['- [ ]a', '<ul>\n<li>[ ]a</li>\n</ul>\n', '[ ]a'],
    ['- para\n\n  [ ] not first', '<ul>\n<li>\n<p>para</p>\n<p>[ ] not first</p>\n</li>\n</ul>\n', 'para [ ] not first'],
    ['- [~] other', '<ul>\n<li>[~] other</li>\n</ul>\n', '[~] other'],
    ['[x]: http://e.example\n\n- [x] a', '<ul class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" checked disabled> a</li>\n</ul>\n', 'a'],
  ],
  'footnote labels: case and white space do not count, the first definition wins': [
    ['Ref[^A] here.\n\n[^a]: note', '<p>Ref<sup><a href="#user-content-fn-a" id="user-content-fnref-a" data-footnote-ref="" aria-describedby="footnote-label">1</a></sup> here.</p>\n<section data-footnotes="" class="footnotes"><h2 class="sr-only" id="footnote-label">Footnotes</h2>\n<ol>\n<li id="user-content-fn-a">\n<p>note <a href="#user-content-fnref-a" data-footnote-backref="" aria-label="Back to reference 1" class="data-footnote-backref">↩</a></p>\n</li>\n</ol>\n</section>\n', 'Ref here.'],
    ['One[^x] two[^X].\n\n[^x]: n', '<p>One<sup><a href="#user-content-fn-x" id="user-content-fnref-x" data-footnote-ref="" aria-describedby="footnote-label">1</a></sup> two<sup><a href="#user-content-fn-x" id="user-content-fnref-x-2" data-footnote-ref="" aria-describedby="footnote-label">1</a></sup>.</p>\n<section data-footnotes="" class="footnotes"><h2 class="sr-only" id="footnote-label">Footnotes</h2>\n<ol>\n<li id="user-content-fn-x">\n<p>n <a href="#user-content-fnref-x" data-footnote-backref="" aria-label="Back to reference 1" class="data-footnote-backref">↩</a> <a href="#user-content-fnref-x-2" data-footnote-backref="" aria-label="Back to reference 1-2" class="data-footnote-backref">↩<sup>2</sup></a></p>\n</li>\n</ol>\n</section>\n', 'One two.'],
    ['Ref[^Ä] x.\n\n[^ä]: n', '<p>Ref<sup><a href="#user-content-fn-%C3%A4" id="user-content-fnref-%C3%A4" data-footnote-ref="" aria-describedby="footnote-label">1</a></sup> x.</p>\n<section data-footnotes="" class="footnotes"><h2 class="sr-only" id="footnote-label">Footnotes</h2>\n<ol>\n<li id="user-content-fn-%C3%A4">\n<p>n <a href="#user-content-fnref-%C3%A4" data-footnote-backref="" aria-label="Back to reference 1" class="data-footnote-backref">↩</a></p>\n</li>\n</ol>\n</section>\n', 'Ref x.'],
    ['A[^ß] x\n\n[^SS]: n', '<p>A<sup><a href="#user-content-fn-ss" id="user-content-fnref-ss" data-footnote-ref="" aria-describedby="footnote-label">1</a></sup> x</p>\n<section data-footnotes="" class="footnotes"><h2 class="sr-only" id="footnote-label">Footnotes</h2>\n<ol>\n<li id="user-content-fn-ss">\n<p>n <a href="#user-content-fnref-ss" data-footnote-backref="" aria-label="Back to reference 1" class="data-footnote-backref">↩</a></p>\n</li>\n</ol>\n</section>\n', 'A x'],
    ['A[^note]\n\n[^Note]: first\n[^NOTE]: second', '<p>A<sup><a href="#user-content-fn-note" id="user-content-fnref-note" data-footnote-ref="" aria-describedby="footnote-label">1</a></sup></p>\n<section data-footnotes="" class="footnotes"><h2 class="sr-only" id="footnote-label">Footnotes</h2>\n<ol>\n<li id="user-content-fn-note">\n<p>first <a href="#user-content-fnref-note" data-footnote-backref="" aria-label="Back to reference 1" class="data-footnote-backref">↩</a></p>\n</li>\n</ol>\n</section>\n', 'A'],
  ],
  'links: found in text (http, https, www, e-mail addresses whose domain ends with a letter), addresses percent-encoded': [
    ['[a](http://exämple.com/ä)', '<p><a href="http://ex%C3%A4mple.com/%C3%A4">a</a></p>\n', 'a'],
    ['www.exämple.com', '<p><a href="http://www.ex%C3%A4mple.com">www.exämple.com</a></p>\n', 'www.exämple.com'],
    ['[a](http://x.com/%20ä%zz)', '<p><a href="http://x.com/%20%C3%A4%zz">a</a></p>\n', 'a'],
    ['x plain-crypto-js@4.2.1 y', '<p>x plain-crypto-js@4.2.1 y</p>\n', 'x plain-crypto-js@4.2.1 y'],
    ['mail a@b.co now', '<p>mail <a href="mailto:a@b.co">a@b.co</a> now</p>\n', 'mail a@b.co now'],
    ['mailto:a@b.co', '<p>mailto:<a href="mailto:a@b.co">a@b.co</a></p>\n', 'mailto:a@b.co'],
    ['ftp://example.com/x', '<p>ftp://example.com/x</p>\n', 'ftp://example.com/x'],
    ['see www.example.com today.', '<p>see <a href="http://www.example.com">www.example.com</a> today.</p>\n', 'see www.example.com today.'],
    ['HTTPS://EX.COM/A', '<p><a href="HTTPS://EX.COM/A">HTTPS://EX.COM/A</a></p>\n', 'HTTPS://EX.COM/A'],
  ],
};

describe('renderMarkdown writes GFM as remark did', () => {
  for (const [topic, cases] of Object.entries(CASES)) {
    describe(topic, () => {
      it.each(cases)('%j', (markdown, html, text) => {
        const notes = renderMarkdown(markdown, { html: 'keep' });
        expect(notes.html).toBe(html);
        expect(notes.text).toBe(text);
      });
    });
  }
});
