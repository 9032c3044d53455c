// What the bundle has in place of source-map, which handlebars' compiler requires only to map
// precompiled templates back to their source (`srcName`), something podsite never asks. Without
// it, handlebars builds the same code with its own string builder (as in a browser); the library
// was 78 KB that every build parsed.
module.exports = {};
