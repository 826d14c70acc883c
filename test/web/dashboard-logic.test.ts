import { createIntl } from 'react-intl';
import { describe, expect, test } from 'vitest';
import { csvField, displayed, fileNameOf, toCsv } from '../../web/src/components/charts/table-data.js';
import { continuousPeriods, periodLabel } from '../../web/src/components/charts/periods.js';
import { countReleaseView } from '../../web/src/components/count-release-view.js';
import type { Catalogue, Translate } from '../../web/src/i18n/index.js';
import en from '../../web/src/i18n/messages/en.json' with { type: 'json' };
import { pseudoCatalogue } from '../../web/src/i18n/pseudo.js';
import { labeller } from '../../web/src/modules/reports/dashboard-tables.js';
import { narrativeCheck } from '../../web/src/modules/reports/report-draft.js';
import { clampZoom, fitView } from '../../web/src/components/charts/map-view.js';
import { matchingOptions, movedIndex, toggled } from '../../web/src/components/combobox-logic.js';
import { dashboardHref, filterSummary, formOf, routeOf, searchOf } from '../../web/src/modules/reports/dashboard-url.js';

// The dashboard's logic apart from the browser: CSV export, continuous time axes, the map's fitted
// view, the combobox's choices, the filters in the address, and codes in words by the catalogue.

/** A translator outside React, as `useT()` makes one, for a catalogue. */
function translator(messages: Catalogue, locale = 'en-GB'): Translate {
  const intl = createIntl({ locale, messages });
  const t = ((id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values)) as Translate;
  t.rich = () => null;
  t.list = (items) => intl.formatList(items, { type: 'unit', style: 'short' });
  t.number = (value) => intl.formatNumber(value);
  return t;
}
const t = translator(en);

describe('CSV of a table', () => {
  test('RFC 4180: a header row, CRLF line ends, fields with quotes, commas or line breaks quoted and their quotes doubled', () => {
    const csv = toCsv({ columns: ['Route', 'Reports'], rows: [[{ data: 'Myanmar → Thailand' }, 5], ['Say "hi", then\nleave', 1_234], ['Nothing known', null]] });
    expect(csv).toBe('Route,Reports\r\nMyanmar → Thailand,5\r\n"Say ""hi"", then\nleave",1234\r\nNothing known,\r\n');
    expect(csvField({ data: '=cmd' })).toBe("'=cmd");
  });

  test('text a spreadsheet would run as a formula is prefixed with a quote; numbers, negative ones too, are left as numbers', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+61 2 5555')).toBe("'+61 2 5555");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField('MMR>THA')).toBe('MMR>THA');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(Number.NaN)).toBe('');
  });

  test('a file name from a title', () => {
    expect(fileNameOf('Fees per person in THB by route and year', 'csv')).toBe('fees-per-person-in-thb-by-route-and-year.csv');
    expect(fileNameOf('“…”', 'png')).toBe('table.png');
    // Any script, accents dropped; a title with no letters or digits left takes the fallback.
    expect(fileNameOf('Tableau des frais en THB', 'csv')).toBe('tableau-des-frais-en-thb.csv');
    expect(fileNameOf('ค่าธรรมเนียม 2024', 'csv')).toMatch(/^[\p{L}\p{M}]+-2024\.csv$/u);
    expect(fileNameOf('…', 'csv', 'tableau')).toBe('tableau.csv');
  });

  test('a cell as the page shows it: numbers in the locale, data as it is, nothing as a dash', () => {
    expect(displayed(1234.5, t.number)).toBe('1,234.5');
    expect(displayed(1234.5, translator(en, 'de-DE').number)).toBe('1.234,5');
    expect(displayed({ data: 'Thailand' }, t.number)).toBe('Thailand');
    expect(displayed(null, t.number)).toBe('—');
  });
});

describe('continuous periods', () => {
  test('every quarter, month or year between the first and the last, across years', () => {
    expect(continuousPeriods(['2024-Q3', '2019-Q3'])).toHaveLength(21);
    expect(continuousPeriods(['2023-Q4', '2024-Q2'])).toEqual(['2023-Q4', '2024-Q1', '2024-Q2']);
    expect(continuousPeriods(['2023-11', '2024-02'])).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
    expect(continuousPeriods(['2021', '2018'])).toEqual(['2018', '2019', '2020', '2021']);
  });

  test('"unknown" is kept after the dated periods and never filled; an empty axis stays empty', () => {
    expect(continuousPeriods(['2024-Q1', 'unknown', '2023-Q3'])).toEqual(['2023-Q3', '2023-Q4', '2024-Q1', 'unknown']);
    expect(continuousPeriods(['unknown'])).toEqual(['unknown']);
    expect(continuousPeriods([])).toEqual([]);
  });

  test('a quarter and "unknown" are words of the catalogue; years and months are shown as they are', () => {
    expect(periodLabel(t, '2024-Q3')).toBe('2024-Q3');
    expect(periodLabel(t, 'unknown')).toBe('unknown');
    expect(periodLabel(t, '2024-07')).toBe('2024-07');
    const pseudo = translator(pseudoCatalogue(en));
    expect(periodLabel(pseudo, '2024-Q3')).not.toBe('2024-Q3');
    expect(periodLabel(pseudo, '2024-Q3')).toContain('2024');
  });
});

describe('the map fitted to its data', () => {
  test('no data shows the whole map; data in South-East Asia zooms in on it, centred', () => {
    expect(fitView([]).zoom).toBe(1);
    const view = fitView([[96, 20], [100.5, 13.7], [106.8, -6.2], [130.8, -12.4]]);
    expect(view.center[0]).toBeCloseTo(113.4, 1);
    expect(view.center[1]).toBeCloseTo(3.8, 1);
    expect(view.zoom).toBeGreaterThan(3);
    // The data's whole extent stays inside the view: the zoom is no larger than the map over the extent.
    expect(view.zoom).toBeLessThan(370 / (130.8 - 96));
  });

  test('one point still shows the land around it; the zoom is kept within bounds', () => {
    const view = fitView([[100, 15]]);
    expect(view.center).toEqual([100, 15]);
    expect(view.zoom).toBeLessThanOrEqual(370 / 20);
    expect(clampZoom(0.2)).toBe(1);
    expect(clampZoom(500)).toBe(40);
  });
});

describe('the combobox', () => {
  const options = [
    { value: 'THA', label: 'Thailand (THA)' }, { value: 'MMR', label: 'Myanmar (MMR)' }, { value: 'CIV', label: "Côte d'Ivoire (CIV)" },
    { value: 'ARE', label: 'United Arab Emirates (ARE)' }, { value: 'ATH', label: 'Atha (ATH)' },
  ];
  test('typing filters by every word of the label or the code, any case or accent, those starting with it first', () => {
    expect(matchingOptions(options, 'cote').map((o) => o.value)).toEqual(['CIV']);
    expect(matchingOptions(options, 'ARAB emir').map((o) => o.value)).toEqual(['ARE']);
    expect(matchingOptions(options, 'tha').map((o) => o.value)).toEqual(['THA', 'ATH']);
    expect(matchingOptions(options, '')).toHaveLength(5);
    expect(matchingOptions(options, 'zzz')).toEqual([]);
  });

  test('the arrow keys move and wrap; picking toggles', () => {
    expect(movedIndex(-1, 1, 3)).toBe(0);
    expect(movedIndex(-1, -1, 3)).toBe(2);
    expect(movedIndex(2, 1, 3)).toBe(0);
    expect(movedIndex(0, -1, 3)).toBe(2);
    expect(movedIndex(0, 1, 0)).toBe(-1);
    expect(toggled(['THA'], 'MMR')).toEqual(['THA', 'MMR']);
    expect(toggled(['THA', 'MMR'], 'THA')).toEqual(['MMR']);
  });
});

describe('the filters in the address', () => {
  test('repeated parameters are the chosen values, and back again in a fixed order', () => {
    const form = formOf(new URLSearchParams('route=MMR%3ETHA&incidentType=smuggling-sea&incidentType=smuggling-land&incidentType=smuggling-sea&interval=year&zoom='));
    expect(form.incidentType).toEqual(['smuggling-sea', 'smuggling-land']);
    expect(form.interval).toBe('year');
    expect(searchOf(form).toString()).toBe('incidentType=smuggling-sea&incidentType=smuggling-land&route=MMR%3ETHA&interval=year');
  });

  test("applying one layer's parameters keeps the other layer's", () => {
    const current = new URLSearchParams('layer=release&table=route&releaseInterval=year&country=THA');
    expect(dashboardHref(current, ['country', 'mode'], new URLSearchParams('mode=boat'))).toBe('/reports/dashboard?table=route&releaseInterval=year&mode=boat');
    expect(dashboardHref(new URLSearchParams(), [], new URLSearchParams())).toBe('/reports/dashboard');
  });

  test('a typed route is read kindly and a wrong one says the shape expected', () => {
    expect(routeOf(' mmr - tha')).toEqual({ value: 'MMR>THA' });
    expect(routeOf('idn→aus')).toEqual({ value: 'IDN>AUS' });
    const wrong = routeOf('Myanmar');
    expect(wrong).toEqual({ error: 'dashboard.filters.routeShape' });
    expect('error' in wrong ? t(wrong.error) : '').toBe("A route is two ISO 3166-1 alpha-3 country codes joined by '>', such as MMR>THA.");
  });

  test('the folded bar says in one line which filters are on', () => {
    const name = (_key: string, code: string): string => ({ THA: 'Thailand', MMR: 'Myanmar', IDN: 'Indonesia', AUS: 'Australia' })[code] ?? code;
    expect(filterSummary(t, formOf(new URLSearchParams()), name, undefined)).toBe('Any time · all the reports you may see');
    const form = formOf(new URLSearchParams('destination=THA&destination=MMR&destination=IDN&destination=AUS&from=2024-01-01'));
    expect(filterSummary(t, form, name, undefined)).toBe('2024-01-01 to today · Destinations: Thailand, Myanmar, Indonesia and 1 more');
    expect(filterSummary(t, form, name, 'The last 12 months')).toBe('The last 12 months · Destinations: Thailand, Myanmar, Indonesia and 1 more');
  });
});

describe('codes in words', () => {
  const labels = { MMR: 'Myanmar', THA: 'Thailand', 'smuggling-sea': 'Smuggling by sea (server)' };

  test("the module's codes come from the catalogue; names of countries and members are data, marked so in tables", () => {
    const label = labeller(labels, t);
    expect(label('smuggling-sea')).toBe('Smuggling by sea');
    expect(label.cell('smuggling-sea')).toBe('Smuggling by sea');
    expect(label('boat')).toBe('Boat');
    expect(label('MMR>THA')).toBe('Myanmar → Thailand');
    expect(label.cell('MMR>THA')).toEqual({ data: 'Myanmar → Thailand' });
    expect(label.cell('THA')).toEqual({ data: 'Thailand' });
    expect(label('unknown')).toBe('Unknown');
    expect(label.cell('XYZ')).toEqual({ data: 'XYZ' });
  });

  test('in another catalogue the words change and the data does not', () => {
    const pseudo = labeller(labels, translator(pseudoCatalogue(en)));
    expect(pseudo('smuggling-sea')).not.toMatch(/[a-z]/i);
    expect(pseudo.cell('THA')).toEqual({ data: 'Thailand' });
  });
});

describe("the narrative's check while typing", () => {
  test('names what the server would refuse, and counts the characters left', () => {
    expect(narrativeCheck('Twelve people left by boat.')).toEqual({ found: [], left: 4000 - 27 });
    expect(narrativeCheck('Call +62 812 3456 7890 or write to a@b.org').found).toEqual(['reports.form.found.email', 'reports.form.found.phone']);
    expect(narrativeCheck('Passport X1234567 was used').found).toEqual(['reports.form.found.documentNumber']);
  });

  test('its sentence in English, with the plural of the characters left', () => {
    const hint = t('reports.form.narrativeFound', { names: 'an e-mail address and a phone number', count: 1 });
    expect(hint).toBe('This looks like it holds an e-mail address and a phone number: reports name no one, so remove it. 1 character left.');
    expect(t('reports.form.narrativeHint', { count: 3999 })).toMatch(/ 3,999 characters left\.$/);
  });
});

describe('a module’s count release as a chart and its table', () => {
  const answer = {
    release: { id: 'r', computedAt: '2026-12-01T00:00:00Z', cutoff: '2026-12-01', reason: 'scheduled' },
    tables: [{ name: 'searchesByPurpose', label: 'Searches made, by purpose', dimensions: ['purpose'] }],
    intervals: ['month', 'quarter', 'year'],
    table: 'searchesByPurpose',
    interval: 'quarter',
    k: 5,
    cells: [
      { period: '2026-Q1', keys: ['irregular-arrival'], count: 7 },
      { period: '2026-Q3', keys: ['irregular-arrival'], count: 6 },
      { period: '2026-Q3', keys: ['trafficking-victim'], count: 12 },
    ],
  };
  const words: Record<string, string> = { 'irregular-arrival': 'Irregular arrival', 'trafficking-victim': 'Trafficking victim' };
  const view = countReleaseView(answer, ['Purpose'], (value) => words[value] ?? value, 'Count', t);

  test('the time axis is continuous; a quarter without a cell has no bar, not a 0', () => {
    const option = view.option as { xAxis: { data: string[] }; series: { name: string; data: (number | null)[] }[] };
    expect(option.xAxis.data).toEqual(['2026-Q1', '2026-Q2', '2026-Q3'].map((period) => periodLabel(t, period)));
    expect(option.series.map((series) => [series.name, series.data])).toEqual([
      ['Irregular arrival', [7, null, 6]],
      ['Trafficking victim', [null, null, 12]],
    ]);
  });

  test('its table holds exactly the cells the release gave, in words, and downloads as such', () => {
    expect(view.table.columns).toEqual(['Period', 'Purpose', 'Count']);
    expect(view.table.rows).toEqual([[periodLabel(t, '2026-Q1'), 'Irregular arrival', 7], [periodLabel(t, '2026-Q3'), 'Irregular arrival', 6], [periodLabel(t, '2026-Q3'), 'Trafficking victim', 12]]);
    expect(toCsv(view.table).split('\r\n')[0]).toBe('Period,Purpose,Count');
  });
});
