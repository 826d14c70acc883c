import { describe, expect, test } from 'vitest';
import { csvField, fileNameOf, toCsv } from '../../web/src/components/charts/table-data.js';
import { continuousPeriods } from '../../web/src/components/charts/periods.js';
import { clampZoom, fitView } from '../../web/src/components/charts/map-view.js';
import { matchingOptions, movedIndex, toggled } from '../../web/src/components/combobox-logic.js';
import { dashboardHref, filterSummary, formOf, routeOf, searchOf } from '../../web/src/modules/reports/dashboard-url.js';

// The dashboard's logic apart from the browser: CSV export, continuous time axes, the map's fitted
// view, the combobox's choices and the filters in the address.

describe('CSV of a table', () => {
  test('RFC 4180: a header row, CRLF line ends, fields with quotes, commas or line breaks quoted and their quotes doubled', () => {
    const csv = toCsv({ columns: ['Route', 'Reports'], rows: [['Myanmar → Thailand', 5], ['Say "hi", then\nleave', 1_234], ['Nothing known', null]] });
    expect(csv).toBe('Route,Reports\r\nMyanmar → Thailand,5\r\n"Say ""hi"", then\nleave",1234\r\nNothing known,\r\n');
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
    expect(routeOf('Myanmar')).toEqual({ error: expect.stringContaining("joined by '>', such as MMR>THA") });
  });

  test('the folded bar says in one line which filters are on', () => {
    const name = (_key: string, code: string): string => ({ THA: 'Thailand', MMR: 'Myanmar', IDN: 'Indonesia', AUS: 'Australia' })[code] ?? code;
    expect(filterSummary(formOf(new URLSearchParams()), name, undefined)).toBe('Any time · all the reports you may see');
    const form = formOf(new URLSearchParams('destination=THA&destination=MMR&destination=IDN&destination=AUS&from=2024-01-01'));
    expect(filterSummary(form, name, undefined)).toBe('2024-01-01 to today · Destinations: Thailand, Myanmar, Indonesia and 1 more');
  });
});
