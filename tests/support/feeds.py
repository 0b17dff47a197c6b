"""Small feeds written for the tests (invented stories)."""

from __future__ import annotations

RSS_SQ = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Lajmet e Lugines</title>
  <link>{base}/</link>
  <language>sq</language>
  <item>
    <title>Komuna e Prizrenit miraton buxhetin për vitin e ardhshëm</title>
    <link>{base}/lajme/buxheti-prizren?utm_source=rss&amp;utm_medium=feed</link>
    <guid isPermaLink="false">lugina-1001</guid>
    <pubDate>Tue, 24 Nov 2026 09:30:00 +0100</pubDate>
    <dc:creator>Arta Krasniqi</dc:creator>
    <category>Kosova &amp; Bota</category>
    <description><![CDATA[<p>Kuvendi komunal i Prizrenit miratoi të martën buxhetin prej 48 milionë eurosh.</p>
    <p>Pjesa më e madhe e mjeteve do të shkojë për shkollat dhe rrugët rurale të komunës.</p>
    <script>alert(1)</script>]]></description>
  </item>
  <item>
    <title>Ura e re mbi lumin Drin hapet për qarkullim</title>
    <link>{base}/lajme/ura-drin</link>
    <guid isPermaLink="false">lugina-1002</guid>
    <pubDate>Wed, 25 Nov 2026 14:00:00 +0100</pubDate>
    <description>Ura e re lidh dy fshatrat që deri tani ndaheshin nga lumi gjatë dimrit. Punimet zgjatën dy vjet.</description>
  </item>
  <item>
    <title>Lajm pa lidhje të vlefshme</title>
    <link>javascript:alert(1)</link>
    <guid isPermaLink="false">lugina-1003</guid>
    <description>Ky lajm ka një lidhje të rrezikshme, por teksti ruhet pa të.</description>
  </item>
</channel>
</rss>
"""

ATOM_SR = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sr-Cyrl">
  <title>Вести из долине</title>
  <id>urn:dolina:feed</id>
  <updated>2026-11-25T10:00:00Z</updated>
  <link href="{base}/"/>
  <entry>
    <title>Градско веће усвојило план за нову пијацу</title>
    <id>urn:dolina:2001</id>
    <link href="/vesti/nova-pijaca"/>
    <updated>2026-11-25T08:15:00Z</updated>
    <author><name>Милош Јовановић</name></author>
    <content type="html">&lt;p&gt;Одборници градског већа су у среду усвојили план за изградњу нове пијаце у центру града.&lt;/p&gt;&lt;p&gt;Радови би требало да почну на пролеће, а пијаца ће имати двеста тезги.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Поскупљење струје од првог децембра</title>
    <id>urn:dolina:2002</id>
    <link href="/vesti/struja"/>
    <updated>2026-11-26T07:00:00Z</updated>
    <content type="html">&lt;p&gt;Електропривреда је најавила да ће цена струје за домаћинства порасти за осам одсто.&lt;/p&gt;</content>
  </entry>
</feed>
"""

HTML_PAGE = """<!DOCTYPE html><html><head><title>Not a feed</title></head><body><p>Dobrodošli</p></body></html>"""
