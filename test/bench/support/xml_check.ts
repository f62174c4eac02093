/**
 * A strict, small XML well-formedness check for the SVG the harness writes (no XML
 * parser is installed): one root element, every tag closed in order, attributes quoted
 * and unique, only the five predefined entities or character references, no stray '<'
 * or '&'. Returns the elements found (name and attributes) so tests can look inside.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly depth: number;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;

export function checkXml(text: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const stack: string[] = [];
  let roots = 0;
  let at = 0;
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    at = end + 2;
  }
  while (at < text.length) {
    const c = text[at];
    if (c === '<') {
      if (text.startsWith('<!--', at)) {
        const end = text.indexOf('-->', at + 4);
        if (end < 0) throw new Error(`unterminated comment at ${at}`);
        at = end + 3;
        continue;
      }
      if (text[at + 1] === '/') {
        const match = NAME.exec(text.slice(at + 2));
        if (match === null) throw new Error(`bad closing tag at ${at}`);
        const open = stack.pop();
        if (open !== match[0]) throw new Error(`</${match[0]}> closes <${open ?? 'nothing'}> at ${at}`);
        const end = text.indexOf('>', at);
        if (text.slice(at + 2 + match[0].length, end).trim() !== '') throw new Error(`junk in closing tag at ${at}`);
        at = end + 1;
        continue;
      }
      const match = NAME.exec(text.slice(at + 1));
      if (match === null) throw new Error(`bad tag at ${at}`);
      if (stack.length === 0 && ++roots > 1) throw new Error('more than one root element');
      let p = at + 1 + match[0].length;
      const attributes: Record<string, string> = {};
      for (;;) {
        while (/\s/.test(text[p])) p++;
        if (text[p] === '>' || text.startsWith('/>', p)) break;
        const attr = NAME.exec(text.slice(p));
        if (attr === null) throw new Error(`bad attribute in <${match[0]}> at ${p}`);
        p += attr[0].length;
        if (text[p] !== '=' || (text[p + 1] !== '"' && text[p + 1] !== "'")) throw new Error(`attribute ${attr[0]} not quoted at ${p}`);
        const quote = text[p + 1];
        const end = text.indexOf(quote, p + 2);
        if (end < 0) throw new Error(`unterminated attribute ${attr[0]}`);
        const value = text.slice(p + 2, end);
        checkText(value, p + 2);
        if (value.includes('<')) throw new Error(`'<' in attribute ${attr[0]}`);
        if (attr[0] in attributes) throw new Error(`attribute ${attr[0]} repeated in <${match[0]}>`);
        attributes[attr[0]] = value;
        p = end + 1;
      }
      elements.push({ name: match[0], attributes, depth: stack.length });
      if (text.startsWith('/>', p)) {
        at = p + 2;
      } else {
        stack.push(match[0]);
        at = p + 1;
      }
      continue;
    }
    const next = text.indexOf('<', at);
    const chunk = text.slice(at, next < 0 ? text.length : next);
    if (stack.length === 0 && chunk.trim() !== '') throw new Error(`text outside the root element at ${at}`);
    checkText(chunk, at);
    at = next < 0 ? text.length : next;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]}>`);
  if (roots !== 1) throw new Error('no root element');
  return elements;
}

function checkText(text: string, offset: number): void {
  for (let k = text.indexOf('&'); k >= 0; k = text.indexOf('&', k + 1)) {
    if (!ENTITY.test(text.slice(k))) throw new Error(`bare '&' at ${offset + k}`);
  }
}
