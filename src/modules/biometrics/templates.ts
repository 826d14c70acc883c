import { invalid } from '../../platform/errors.js';
import { formatOf, type TemplateFormat } from './formats.js';
import type { Template } from './schemas.js';

/** A template as a client sent it, checked against its format and L2-normalised; `at` is its pointer. */
export function readTemplate(template: Template, at: string): { format: TemplateFormat; vector: Float32Array } {
  const format = formatOf(template.format);
  if (!format) throw invalid([{ pointer: `${at}/format`, detail: `${template.format} is not a template format Lintas knows` }]);
  if (template.vector.length !== format.dimensions) {
    throw invalid([{ pointer: `${at}/vector`, detail: `a ${format.id} template has ${format.dimensions} values, not ${template.vector.length}` }]);
  }
  const vector = Float32Array.from(template.vector);
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (!Number.isFinite(norm) || norm === 0) throw invalid([{ pointer: `${at}/vector`, detail: 'a template needs finite values, not all zero' }]);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return { format, vector };
}
