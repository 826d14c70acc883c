/**
 * Words and phrases for generated library documents: the subjects a regional process against
 * people smuggling and trafficking in persons writes about. Bodies are built in TypeScript from
 * these with a seeded generator; titles and summaries are built in SQL from the same lists.
 */

export const THEMES = {
  smuggling: [
    'people smuggling networks', 'smugglers operating boats', 'migrant smuggling ventures', 'unseaworthy vessels',
    'facilitators arranging passage', 'payments to smugglers', 'smuggled migrants', 'boat departures',
    'organisers of smuggling ventures', 'safe houses used by smugglers',
  ],
  trafficking: [
    'trafficking victims', 'recruitment agencies', 'debt bondage cases', 'forced labour on fishing vessels',
    'online advertisements for jobs abroad', 'traffickers using social media', 'unaccompanied children',
    'sham marriages', 'victims of sexual exploitation', 'labour exploitation in construction',
  ],
  documents: [
    'fraudulent passports', 'forged visas', 'counterfeit entry stamps', 'altered biodata pages',
    'impostors using genuine documents', 'stolen blank passports', 'falsified identity documents',
    'document vendors', 'fraudulently obtained genuine passports', 'substituted photographs',
  ],
  migration: [
    'irregular migrants', 'visa overstayers', 'asylum seekers', 'labour migrants', 'returnees',
    'stateless persons', 'seasonal workers', 'migrant workers in transit', 'refugees in protracted situations',
    'displaced communities',
  ],
} as const;

export type Theme = keyof typeof THEMES;
export const THEME_NAMES = Object.keys(THEMES) as Theme[];

export const SUBJECTS = [
  'Border officers', 'Immigration authorities', 'The working group', 'Member agencies', 'Liaison officers',
  'Investigators', 'Prosecutors', 'Airline staff', 'Coast guard crews', 'Labour inspectors', 'Consular officials',
  'Civil society partners', 'Regional experts', 'The co-chairs', 'Police units', 'Victim support services',
  'Document examiners', 'Analysts', 'Workshop participants', 'Maritime patrols',
];

export const VERBS = [
  'identified', 'reported', 'intercepted', 'examined', 'discussed', 'documented', 'shared information on',
  'recommended measures against', 'reviewed', 'traced', 'assessed', 'investigated', 'detected', 'referred',
  'disrupted', 'compared', 'mapped', 'prioritised',
];

export const PLACES = [
  'at land crossings', 'at international airports', 'in transit hubs', 'at sea', 'along the coast', 'in the region',
  'across the Andaman Sea', 'in the Strait of Malacca', 'near the Timor Sea', 'in border provinces',
  'in origin communities', 'at seaports', 'in destination countries', 'in regional capitals',
];

export const CLAUSES = [
  'during the reporting period', 'over the last year', 'in cooperation with neighbouring members',
  'under the regional framework', 'according to the shared indicators', 'despite limited resources',
  'following the ministerial conference', 'with support from international organisations',
  'in line with the Palermo Protocols', 'through joint operations', 'before the next senior officials meeting',
];

export const FOLLOW_UPS = [
  'Members agreed to exchange data on {object} through their focal points.',
  'The meeting noted that {object} remain a concern {place}.',
  'Further training on {object} was requested by several members.',
  'A common set of indicators for {object} will be circulated for comment.',
  'Officers were reminded to record {object} in the incident form without naming individuals.',
  'The secretariat will compile the responses on {object} before the next meeting.',
];

/** Title openings per category, in the order of CATEGORIES in src/modules/library/schemas.ts. */
export const TITLE_OPENINGS: Record<string, string[]> = {
  'policy-guide': ['Policy guide on', 'Guidelines for responding to', 'Good practice on', 'Handbook on'],
  'model-legislation': ['Model provisions on', 'Draft model law on', 'Legislative checklist on', 'Commentary on model provisions on'],
  'training-module': ['Training module:', 'Curriculum for officers on', 'Trainer notes on', 'E-learning course on'],
  'workshop-report': ['Workshop report:', 'Outcomes of the workshop on', 'Regional seminar on', 'Technical meeting on'],
  'co-chairs-statement': ['Co-Chairs’ statement on', 'Co-Chairs’ summary on', 'Ministerial declaration on', 'Co-Chairs’ letter on'],
  other: ['Note on', 'Liaison note:', 'Briefing on', 'Situation update on'],
};

/** Weights of the categories (sum 100). */
export const CATEGORY_WEIGHTS: [string, number][] = [
  ['policy-guide', 15], ['model-legislation', 5], ['training-module', 15], ['workshop-report', 30], ['co-chairs-statement', 5], ['other', 30],
];

export const TOPICS = [
  'people smuggling by sea', 'trafficking in persons for forced labour', 'fraudulent travel documents', 'irregular migration',
  'document fraud at land crossings', 'victim identification', 'money flows of smuggling networks', 'visa overstay',
  'return and reintegration', 'border management', 'identity management', 'labour migration', 'refugee protection',
  'online recruitment by traffickers', 'child trafficking', 'maritime interdiction', 'biometric enrolment',
  'passport security features', 'stolen and lost travel documents', 'forged visas', 'airport transit',
  'labour exploitation in the fishing industry', 'debt bondage', 'cross-border cooperation', 'prosecution of smugglers',
  'asylum procedures', 'statelessness', 'civil registration', 'trafficking for sexual exploitation', 'mixed migration flows',
];

export const TITLE_PLACES = [
  'Bali', 'Bangkok', 'Jakarta', 'Colombo', 'Kuala Lumpur', 'Manila', 'Canberra', 'Dhaka', 'Hanoi', 'Phnom Penh',
  'Wellington', 'Kathmandu', 'Islamabad', 'Yangon', 'Perth', 'Darwin', 'Suva', 'Port Moresby', 'Vientiane', 'Dili',
];

export const SUMMARY_OPENINGS = [
  'Sets out how members respond to', 'Summarises the discussion on', 'Reviews the regional situation of', 'Explains the indicators of',
  'Records the outcomes of the meeting on', 'Proposes common standards for', 'Describes the working methods on', 'Compares national approaches to',
];

export const SUMMARY_LINKS = ['and its links with', 'with particular attention to', 'alongside', 'in relation to', 'and the response to'];

export const TAGS = [
  'smuggling', 'trafficking', 'documents', 'fraud', 'maritime', 'labour', 'victims', 'returns', 'biometrics', 'visa',
  'asylum', 'border', 'prosecution', 'training', 'legislation', 'data', 'cooperation', 'children', 'identity', 'airports',
  'fisheries', 'finance', 'online', 'protection', 'statelessness', 'regional', 'indicators', 'interdiction', 'referral', 'policy',
];
