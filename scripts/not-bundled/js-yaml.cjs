// What the bundle has in place of js-yaml, which gray-matter requires for its default YAML engine.
// podsite hands gray-matter its own engine (src/frontmatter.ts parses YAML with the `yaml` package,
// which keeps positions), so js-yaml never runs; bundled, it and esprima (for its `!!js/function`
// type) were 300 KB that every build parsed. Reaching this is a bug, never a YAML fallback.
function notBundled() {
  throw new Error('js-yaml is not in the bundle: podsite reads YAML with the `yaml` package (src/frontmatter.ts)');
}

module.exports = { safeLoad: notBundled, safeDump: notBundled, load: notBundled, dump: notBundled };
