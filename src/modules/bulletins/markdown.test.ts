import { describe, expect, test } from 'vitest';
import { renderMarkdown } from './markdown.js';

/** Every tag and attribute in rendered HTML, to hold the output to the safe subset whatever the input. */
function tagsOf(html: string): { tag: string; attributes: string }[] {
  return [...html.matchAll(/<\s*([a-zA-Z0-9]+)([^>]*)>/g)].map((match) => ({ tag: match[1]!.toLowerCase(), attributes: match[2]! }));
}

const SAFE_TAGS = new Set(['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);

function expectSafe(html: string, input: string): void {
  for (const { tag, attributes } of tagsOf(html)) {
    expect(SAFE_TAGS.has(tag), `${tag} from ${input}`).toBe(true);
    if (tag === 'a') {
      expect(attributes, input).toMatch(/^ href="(https?:\/\/|mailto:)[^"]*" rel="noopener noreferrer"$/);
    } else if (tag === 'ol') {
      expect(attributes, input).toMatch(/^( start="\d+")?$/);
    } else {
      expect(attributes.trim(), `${tag} from ${input}`).toBe('');
    }
  }
  expect(html, input).not.toMatch(/<script|<img|<iframe|<svg|<style|<object|<embed|<form|<input/i);
  // Text may say "onerror=" or "javascript:": with every < escaped it is text, and the tags above carry nothing else.
  expect(html.replace(/<[^>]*>/g, ''), input).not.toMatch(/[<>]/);
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '<a href="javascript:alert(1)">click</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](java&#115;cript:alert(1))',
  '[click](java&#x09;script:alert(1))',
  '[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))',
  '[click](%6A%61%76%61%73%63%72%69%70%74:alert(1))',
  '[click]( javascript:alert(1) )',
  '[click](<javascript:alert(1)>)',
  '<javascript:alert(1)>',
  '[click](vbscript:msgbox(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![pixel](data:image/png;base64,iVBORw0KGgo=)',
  '![tracker](https://evil.example/pixel.png)',
  '[ref]\n\n[ref]: javascript:alert(1)',
  '[x](https://example.org" onmouseover="alert(1))',
  '[x](https://example.org "title\\" onmouseover=alert(1)")',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '```html\n<script>alert(1)</script>\n```',
  '`<img src=x onerror=alert(1)>`',
  '<details open ontoggle=alert(1)>',
  '> <a href="javascript:alert(1)">quoted</a>',
  '| a |\n|---|\n| <img src=x onerror=alert(1)> |',
  'www.example.org/<script>',
  '[click](file:///etc/passwd)',
  '<!-- <script>alert(1)</script> -->',
];

describe('Markdown is rendered safely', () => {
  test.each(HOSTILE)('hostile input stays inert: %s', (input) => {
    expectSafe(renderMarkdown(input), input);
  });

  test('raw HTML is shown as text, not dropped', () => {
    expect(renderMarkdown('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
    expect(renderMarkdown('<img src=x onerror=alert(1)>')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>\n');
  });

  test('links to http(s) and mailto keep their target and get rel="noopener noreferrer"; others stay text', () => {
    expect(renderMarkdown('[IOM](https://www.iom.int/) and [us](mailto:desk@example.org)')).toBe(
      '<p><a href="https://www.iom.int/" rel="noopener noreferrer">IOM</a> and <a href="mailto:desk@example.org" rel="noopener noreferrer">us</a></p>\n',
    );
    expect(renderMarkdown('see https://example.org/x')).toBe('<p>see <a href="https://example.org/x" rel="noopener noreferrer">https://example.org/x</a></p>\n');
    expect(renderMarkdown('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>\n');
    expect(renderMarkdown('[x](/relative/path)')).toBe('<p>[x](/relative/path)</p>\n');
  });

  test('the usual Markdown survives: headings, lists, emphasis, code, quotes, tables', () => {
    const html = renderMarkdown('## Method\n\n1. **Forged** foils\n2. *Look-alike* stamps\n\n> from the hub\n\n`MRZ`\n\n| code | port |\n|---|---|\n| IDTPP | Tanjung Priok |');
    expect(html).toContain('<h2>Method</h2>');
    expect(html).toContain('<ol>\n<li><strong>Forged</strong> foils</li>\n<li><em>Look-alike</em> stamps</li>\n</ol>');
    expect(html).toContain('<blockquote>\n<p>from the hub</p>\n</blockquote>');
    expect(html).toContain('<code>MRZ</code>');
    expect(html).toContain('<td>IDTPP</td>');
    expectSafe(html, 'usual');
  });
});
