// The minimal site podsite's benchmark compares with: a page per episode rendered from Markdown
// (markdown-it, Eleventy's default, raw HTML allowed), an index of every episode and an RSS feed
// with the full notes. The episodes are read in place from the folder given by --input, so the
// templates are virtual: nothing is added to the archive.
// Usage: npx @11ty/eleventy --config bench/eleventy/eleventy.config.mjs --input EPISODES --output OUT
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><time datetime="{{ page.date.toISOString() }}">{{ page.date.toDateString() }}</time>
{% if audio %}<audio controls preload="none" src="{{ audio.url }}"></audio>{% endif %}
{{ content | safe }}</main></body></html>
`;

const index = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Synthetic Show</title></head>
<body><main><h1>Episodes</h1><ul>
{%- for post in collections.episodes | reverse %}
<li><a href="{{ post.url }}">{{ post.data.title }}</a> <time>{{ post.date.toDateString() }}</time></li>
{%- endfor %}
</ul></main></body></html>
`;

const feed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Synthetic Show</title><link>https://bench.example.com/</link><description>A generated archive for benchmarks.</description><language>en</language>
{%- for post in collections.episodes | reverse %}
<item><title>{{ post.data.title }}</title><link>https://bench.example.com{{ post.url }}</link><guid>https://bench.example.com{{ post.url }}</guid><pubDate>{{ post.date.toUTCString() }}</pubDate>
{%- if post.data.audio %}<enclosure url="{{ post.data.audio.url }}" length="{{ post.data.audio.length }}" type="audio/mpeg"/><itunes:duration>{{ post.data.audio.duration }}</itunes:duration>{% endif %}
<content:encoded><![CDATA[{{ post.templateContent | safe }}]]></content:encoded></item>
{%- endfor %}
</channel></rss>
`;

// Show notes are Markdown, not Liquid: `{{` in a note is text.
export const config = { markdownTemplateEngine: false };

export default function (eleventyConfig) {
  eleventyConfig.setTemplateFormats(['md', 'njk']);
  eleventyConfig.addTemplate('_includes/episode.njk', page);
  eleventyConfig.addTemplate('index.njk', index, { layout: false, eleventyExcludeFromCollections: true });
  eleventyConfig.addTemplate('feed.njk', feed, { layout: false, eleventyExcludeFromCollections: true });
  eleventyConfig.addGlobalData('layout', 'episode.njk');
  // The real archive's posts name their Jekyll layout.
  eleventyConfig.addLayoutAlias('blog-post', 'episode.njk');
  eleventyConfig.addCollection('episodes', (api) => api.getAll().filter((item) => item.inputPath.endsWith('.md')).sort((a, b) => a.date - b.date));
  // podsite's permalinks: /YYYY/MM/DD/slug/ (Eleventy strips the date from the file's slug).
  eleventyConfig.addGlobalData('eleventyComputed', {
    permalink: (data) => {
      const input = data.page.inputPath;
      if (input.endsWith('feed.njk')) return '/feed.xml';
      if (!input.endsWith('.md')) return '/index.html';
      return `/${data.page.date.toISOString().slice(0, 10).replaceAll('-', '/')}/${data.page.fileSlug}/`;
    },
  });
}
