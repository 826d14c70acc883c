/**
 * Files handed to the browser: any blob, and a chart as PNG. Kept apart from chart.tsx so a page can
 * download without bringing in the dashboard's charts and maps.
 */

/** Hands a file to the browser as a download. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** An ECharts chart as drawn, as a PNG at twice its size on white. */
export function pngOf(chart: { getDataURL(options: { type: 'png'; pixelRatio: number; backgroundColor: string }): string }): Blob {
  const [, base64 = ''] = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }).split(',');
  return new Blob([Uint8Array.from(atob(base64), (character) => character.charCodeAt(0))], { type: 'image/png' });
}
