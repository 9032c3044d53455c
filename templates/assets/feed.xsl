<?xml version="1.0" encoding="UTF-8"?>
<!--
  Turns the podcast feed into a readable page when someone opens feed.xml in a browser; podcast
  apps ignore it. XSLT 1.0, the version browsers run. Nothing here loads from another address than
  the feed's own: the styles are inline, and the only images are the show's artwork the feed names.
  Texts in English and French, chosen by the feed's <language>.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
  exclude-result-prefixes="atom itunes">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="channel" select="/rss/channel"/>
  <xsl:variable name="french" select="starts-with(translate($channel/language, 'FR', 'fr'), 'fr')"/>
  <!-- On a page of a paged feed, the address to subscribe to is still the first page's. -->
  <xsl:variable name="feedUrl">
    <xsl:choose>
      <xsl:when test="$channel/atom:link[@rel = 'first']"><xsl:value-of select="$channel/atom:link[@rel = 'first']/@href"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$channel/atom:link[@rel = 'self']/@href"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template name="text">
    <xsl:param name="en"/>
    <xsl:param name="fr"/>
    <xsl:choose>
      <xsl:when test="$french"><xsl:value-of select="$fr"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$en"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="/">
    <html lang="{$channel/language}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title>
          <xsl:value-of select="$channel/title"/>
          <xsl:text> · </xsl:text>
          <xsl:call-template name="text">
            <xsl:with-param name="en">Podcast feed</xsl:with-param>
            <xsl:with-param name="fr">Flux du podcast</xsl:with-param>
          </xsl:call-template>
        </title>
        <style>
          :root { --ink: #1d2433; --paper: #fbf8f2; --accent: #b4532a; --muted: #5b6270; --line: #e4ddd0; --note: #fff3d6; color-scheme: light dark; }
          @media (prefers-color-scheme: dark) { :root { --ink: #ece7dd; --paper: #171a21; --accent: #f0936a; --muted: #a9afbb; --line: #343a46; --note: #3a3222; } }
          * { box-sizing: border-box; }
          body { margin: 0 auto; max-width: 46rem; padding: 1rem 1rem 3rem; font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--paper); }
          a { color: var(--accent); }
          .about-feed { margin: 0 0 2rem; padding: 1rem; border-radius: 8px; background: var(--note); }
          .about-feed p { margin: 0 0 .5rem; }
          .feed-url { display: block; width: 100%; padding: .4rem; font: .95rem ui-monospace, monospace; color: var(--ink); background: var(--paper); border: 1px solid var(--line); border-radius: 4px; }
          .button { display: inline-block; margin-top: .5rem; padding: .4rem .9rem; border-radius: 999px; background: var(--accent); color: var(--paper); text-decoration: none; }
          .show { display: flex; gap: 1.5rem; align-items: flex-start; margin: 0 0 2rem; }
          .show img { width: 160px; height: auto; border-radius: 8px; flex: 0 0 auto; }
          @media (max-width: 36rem) { .show { flex-direction: column; } }
          .show h1 { margin: 0 0 .5rem; }
          .episode { padding: 1rem 0; border-top: 1px solid var(--line); }
          .episode h3 { margin: 0 0 .25rem; font-size: 1.2rem; }
          .meta { margin: 0 0 .5rem; color: var(--muted); font-size: .9rem; }
        </style>
      </head>
      <body>
        <main>
          <section class="about-feed" aria-labelledby="about-feed-title">
            <p id="about-feed-title">
              <strong>
                <xsl:call-template name="text">
                  <xsl:with-param name="en">This is a podcast feed.</xsl:with-param>
                  <xsl:with-param name="fr">Ceci est le flux d’un podcast.</xsl:with-param>
                </xsl:call-template>
              </strong>
              <xsl:text> </xsl:text>
              <xsl:call-template name="text">
                <xsl:with-param name="en">To subscribe, copy its address into your podcast app:</xsl:with-param>
                <xsl:with-param name="fr">Pour vous abonner, copiez son adresse dans votre application de podcasts :</xsl:with-param>
              </xsl:call-template>
            </p>
            <label>
              <span class="feed-url-label">
                <xsl:call-template name="text">
                  <xsl:with-param name="en">Feed address</xsl:with-param>
                  <xsl:with-param name="fr">Adresse du flux</xsl:with-param>
                </xsl:call-template>
              </span>
              <input class="feed-url" type="text" readonly="readonly" value="{$feedUrl}"/>
            </label>
            <!-- podcast:// is the link apps register for subscribing (Apple Podcasts and others); the copied address works everywhere. -->
            <a class="button" href="podcast://{substring-after($feedUrl, '://')}">
              <xsl:call-template name="text">
                <xsl:with-param name="en">Subscribe in your podcast app</xsl:with-param>
                <xsl:with-param name="fr">S’abonner dans votre application</xsl:with-param>
              </xsl:call-template>
            </a>
          </section>

          <header class="show">
            <xsl:variable name="artwork" select="($channel/itunes:image/@href | $channel/image/url)[1]"/>
            <xsl:if test="$artwork">
              <img src="{$artwork}" alt="" width="160" height="160"/>
            </xsl:if>
            <div>
              <h1><xsl:value-of select="$channel/title"/></h1>
              <p><xsl:value-of select="$channel/description"/></p>
              <p>
                <a href="{$channel/link}">
                  <xsl:call-template name="text">
                    <xsl:with-param name="en">Visit the website</xsl:with-param>
                    <xsl:with-param name="fr">Aller sur le site</xsl:with-param>
                  </xsl:call-template>
                </a>
              </p>
            </div>
          </header>

          <section aria-labelledby="episodes-title">
            <h2 id="episodes-title">
              <xsl:call-template name="text">
                <xsl:with-param name="en">Episodes</xsl:with-param>
                <xsl:with-param name="fr">Épisodes</xsl:with-param>
              </xsl:call-template>
              <xsl:text> (</xsl:text>
              <xsl:value-of select="count($channel/item)"/>
              <xsl:text>)</xsl:text>
            </h2>
            <xsl:apply-templates select="$channel/item"/>
          </section>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <article class="episode">
      <h3><a href="{link}"><xsl:value-of select="title"/></a></h3>
      <p class="meta">
        <!-- RFC 2822 without the weekday and time: "15 Apr 2025". -->
        <xsl:value-of select="substring(pubDate, 6, 11)"/>
        <xsl:if test="itunes:duration">
          <xsl:text> · </xsl:text>
          <xsl:call-template name="duration">
            <xsl:with-param name="seconds" select="number(itunes:duration)"/>
          </xsl:call-template>
        </xsl:if>
      </p>
      <p><xsl:value-of select="description"/></p>
      <xsl:if test="enclosure/@url">
        <p>
          <a href="{enclosure/@url}">
            <xsl:call-template name="text">
              <xsl:with-param name="en">Download the episode</xsl:with-param>
              <xsl:with-param name="fr">Télécharger l’épisode</xsl:with-param>
            </xsl:call-template>
            <xsl:if test="number(enclosure/@length) &gt; 0">
              <xsl:text> (</xsl:text>
              <xsl:value-of select="format-number(enclosure/@length div 1000000, '0.0')"/>
              <xsl:text> MB)</xsl:text>
            </xsl:if>
          </a>
        </p>
      </xsl:if>
    </article>
  </xsl:template>

  <!-- Seconds as 1:02:03, or 44:05 under an hour, as on the site. -->
  <xsl:template name="duration">
    <xsl:param name="seconds"/>
    <xsl:variable name="h" select="floor($seconds div 3600)"/>
    <xsl:variable name="m" select="floor(($seconds mod 3600) div 60)"/>
    <xsl:variable name="s" select="floor($seconds mod 60)"/>
    <xsl:if test="$h &gt; 0">
      <xsl:value-of select="$h"/>
      <xsl:text>:</xsl:text>
      <xsl:value-of select="format-number($m, '00')"/>
    </xsl:if>
    <xsl:if test="$h = 0"><xsl:value-of select="$m"/></xsl:if>
    <xsl:text>:</xsl:text>
    <xsl:value-of select="format-number($s, '00')"/>
  </xsl:template>
</xsl:stylesheet>
