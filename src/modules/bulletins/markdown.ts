import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown rendered safely on the server, in two walls. markdown-it with `html: false` writes any
 * raw HTML as text, renders no images (nothing is fetched from elsewhere when a bulletin is
 * opened) and links only to http(s) and mailto (any other link stays text); sanitize-html then keeps
 * only a small set of tags and attributes, so a bug in the first wall does not let markup through.
 * Every link gets `rel="noopener noreferrer"`.
 */

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;
const REL = 'noopener noreferrer';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });
markdown.disable(['image']);
markdown.validateLink = (url: string): boolean => SAFE_LINK.test(url);
markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  tokens[index]?.attrSet('rel', REL);
  return self.renderToken(tokens, index, options);
};

const SANITISE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: { a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: REL } }) },
};

/** The HTML of a Markdown text, sanitised: what the API returns as `bodyHtml`. */
export function renderMarkdown(text: string): string {
  return sanitizeHtml(markdown.render(text), SANITISE);
}
