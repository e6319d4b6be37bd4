/**
 * Word lists of the address recognizers (street-address, po-box, postcode). Kept apart from the recognizers
 * so that adding a street type or a context word is a one-line change that touches no pattern.
 *
 * All sets hold lower-case forms; street-type abbreviations are listed without their trailing dot (the
 * recognizer strips one before the lookup).
 */

/** Street types written AFTER the name: "742 Evergreen Terrace" (US, UK, Canada, Australia, New Zealand). */
export const EN_STREET_TYPES: ReadonlySet<string> = new Set([
  'street', 'st', 'str',
  'avenue', 'ave', 'av', 'avn',
  'road', 'rd',
  'boulevard', 'blvd', 'bvd', 'boul',
  'lane', 'ln',
  'drive', 'dr', 'drv',
  'court', 'ct',
  'place', 'pl',
  'terrace', 'terr', 'tce',
  'way', 'wy',
  'crescent', 'cres', 'cresc', 'cr',
  'close', 'cl',
  'parade', 'pde',
  'highway', 'hwy',
  'loop',
  'circle', 'cir',
  'square', 'sq',
  'parkway', 'pkwy', 'pky',
  'trail', 'trl',
  'row', 'mews', 'grove', 'gr', 'gardens', 'gdns', 'hill', 'walk', 'green', 'rise',
  'alley', 'aly',
  'esplanade', 'esp',
  'expressway', 'expy', 'freeway', 'fwy', 'turnpike', 'tpke', 'pike', 'causeway', 'cswy',
  'plaza', 'plz',
  'ridge', 'quay', 'wharf', 'strand', 'broadway',
]);

/** Abbreviated types whose trailing dot belongs to the address ("10 Downing St."). */
export const EN_TYPE_ABBREVIATIONS: ReadonlySet<string> = new Set([
  'st', 'str', 'ave', 'av', 'avn', 'rd', 'blvd', 'bvd', 'boul', 'ln', 'dr', 'drv', 'ct', 'pl', 'terr', 'tce', 'wy',
  'cres', 'cresc', 'cr', 'cl', 'pde', 'hwy', 'cir', 'sq', 'pkwy', 'pky', 'trl', 'gr', 'gdns', 'aly', 'esp', 'expy',
  'fwy', 'tpke', 'cswy', 'plz',
]);

/**
 * Types that ARE the whole street name, so they may follow the number directly: "1600 Broadway". Every other
 * type needs at least one name word in between, which is what keeps "5 Drive modes", "10 Court cases",
 * "Top 10 Places", "version 2 Road map" and "Chapter 12 Street Fighter" out.
 */
export const EN_SELF_NAMED_TYPES: ReadonlySet<string> = new Set(['broadway']);

/** Words that follow a street type as a compass point: "1600 Pennsylvania Ave NW". Case-sensitive forms. */
export const DIRECTIONALS: ReadonlySet<string> = new Set([
  'N', 'S', 'E', 'W', 'NE', 'NW', 'SE', 'SW', 'N.E.', 'N.W.', 'S.E.', 'S.W.', 'N.', 'S.', 'E.', 'W.',
  'North', 'South', 'East', 'West', 'Northeast', 'Northwest', 'Southeast', 'Southwest',
]);

/** Lower-case words allowed between capitalised name words: "1 Avenue of the Americas", "12 King and Queen St". */
export const EN_NAME_CONNECTORS: ReadonlySet<string> = new Set(['of', 'the', 'and', '&', 'de', 'la', 'le', 'du', 'van', 'von', 'der', 'del']);

/**
 * Capitalised tokens that are units or product words, never part of a street name: "a 2 TB Drive", "1 GB
 * Drive", "3 USB Drive".
 */
export const NOT_NAME_WORDS: ReadonlySet<string> = new Set([
  'tb', 'gb', 'mb', 'kb', 'pb', 'ghz', 'mhz', 'hz', 'usb', 'ssd', 'hdd', 'nvme', 'ram', 'gpu', 'cpu', 'pc', 'pcs',
  'hp', 'mph', 'kph', 'km', 'mi', 'ft', 'kg', 'lb', 'lbs', 'oz', 'x', 'hard', 'flash', 'thumb', 'disk', 'test',
  'google', 'memory', 'fast', 'slow', 'supreme', 'feedback', 'game',
  // function words of Title Case headlines: "5 Things To Do On Main Street", "3 Ways For Your Drive"
  'to', 'do', 'on', 'in', 'at', 'for', 'with', 'your', 'my', 'our', 'how', 'why', 'what', 'is', 'are', 'you', 'we',
  'it', 'from', 'by', 'into', 'about', 'that', 'this', 'when', 'where', 'who', 'will', 'can', 'not', 'be', 'was',
  'were', 'has', 'have', 'had', 'if', 'or', 'but', 'so', 'up', 'out', 'a', 'an', 'vs', 'per', 'than', 'get', 'i',
]);

/**
 * Words before a number that make it a count, rank, version or product number rather than a house number:
 * "Top 10 Main Street restaurants", "Chapter 12 ...", "Windows 11 ...", "Area 51 ...".
 */
export const NUMBER_BLOCKERS: ReadonlySet<string> = new Set([
  'the', 'top', 'chapter', 'ch', 'version', 'ver', 'v', 'season', 'episode', 'ep', 'part', 'vol', 'volume', 'page', 'p',
  'pp', 'level', 'lvl', 'step', 'day', 'days', 'week', 'year', 'years', 'apollo', 'windows', 'iphone', 'area',
  'studio', 'pier', 'platform', 'route', 'highway', 'hwy', 'interstate', 'gate', 'track', 'channel', 'model',
  'series', 'rank', 'ranked', 'over', 'about', 'than', 'approximately', 'approx', 'only', 'another',
  'bought', 'buy', 'sold', 'sell', 'ordered', 'order', 'have', 'has', 'had', 'won', 'lost', 'scored', 'watched',
  'read', 'seen', 'visited', 'all', 'first', 'last', 'next', 'every', 'those', 'these', 'by', 'x', 'times',
  'section', 'figure', 'fig', 'table', 'item', 'line', 'row', 'column', 'col', 'rule', 'phase', 'stage', 'round',
  'grade', 'class', 'size', 'rated', 'rating', 'score', 'game', 'match', 'issue', 'ticket', 'pr', 'build', 'release',
  'python', 'node', 'java', 'php', 'ios', 'android', 'macos', 'ubuntu', 'debian', 'excel', 'word', 'ps',
  'xbox', 'galaxy', 'pixel', 'gen', 'generation', 'mark', 'mk', 'tier', 'zone', 'sector', 'district', 'ward',
  'exit', 'junction', 'bus', 'tram', 'terminal', 'stop', 'berth', 'bay', 'dock', 'hall', 'aisle', 'seat',
]);

/**
 * Lower-case words that, right after a street line, mean the street was a modifier of a noun ("2 Oxford Street
 * shops", "3 Wall Street banks", "Baker Street station"); a plural (-s, 4+ letters) not in FUNCTION_WORDS is
 * treated the same way.
 */
export const MODIFIED_NOUNS: ReadonlySet<string> = new Set([
  'station', 'stop', 'journal', 'clinic', 'musical', 'album', 'song', 'episode', 'cred', 'fighter', 'map', 'mode',
  'case', 'line', 'ticket', 'store', 'shop', 'branch', 'bank', 'firm', 'trader', 'banker', 'irregulars', 'crash',
  'crowd', 'style', 'fashion', 'vibe', 'edition', 'version', 'remaster', 'tour', 'movie', 'film', 'show', 'series',
  'sign', 'crossing', 'exit', 'market', 'stock', 'index', 'analyst', 'reporter', 'memorial', 'merch', 'poster',
  'record', 'recording', 'session', 'sessions', 'studios', 'studio', 'parade', 'festival', 'party', 'parties',
  'project', 'model', 'kit', 'replica', 'puzzle', 'game', 'cover', 'vinyl', 'lp', 'ep', 'cd', 'dvd',
]);

/**
 * Film and book titles that are street lines ("10 Cloverfield Lane was scary"): kept unless a postcode, a unit
 * or an address context says otherwise ("I live at 84 Charing Cross Road" is redacted).
 */
export const TITLE_ADDRESSES: ReadonlySet<string> = new Set([
  '21 jump street', '22 jump street', '10 cloverfield lane', '84 charing cross road', '4 privet drive',
  '12 grimmauld place', '1600 penn', '90 bedford street',
]);

/** Lower-case words that often follow an address in a sentence and are not nouns it modifies. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'is', 'was', 'has', 'as', 'us', 'its', 'his', 'this', 'thanks', 'plus', 'unless', 'always', 'perhaps', 'yes',
  'in', 'and', 'or', 'but', 'near', 'next', 'please', 'pls', 'now', 'for', 'with', 'since', 'until', 'where',
  'which', 'if', 'so', 'then', 'by', 'i', 'we', 'my', 'our', 'the', 'a', 'an', 'to', 'from', 'on', 'at', 'are',
  'were', 'will', 'would', 'can', 'could', 'should', 'before', 'after', 'tomorrow', 'today', 'asap', 'instead',
  'thx', 'cheers', 'though', 'anyway', 'also', 'too', 'there', 'here', 'when', 'while', 'because', 'not',
  'afterwards', 'towards', 'besides', 'sometimes', 'yours', 'ours', 'hers', 'theirs', 'thanks!', 'this',
  // French, Spanish, Italian, German, Dutch words ending in -s that follow an address in a sentence
  'dans', 'chez', 'mais', 'plus', 'sous', 'vers', 'depuis', 'après', 'très', 'alors', 'puis', 'donc', 'nous',
  'vous', 'ils', 'elles', 'les', 'des', 'mes', 'tes', 'ses', 'nos', 'vos', 'leurs', 'pas', 'jamais', 'es', 'más',
  'mas', 'pues', 'después', 'entonces', 'nosotros', 'vosotros', 'ellos', 'las', 'los', 'sus', 'tus', 'gracias',
  'aus', 'bis', 'das', 'des', 'uns', 'als', 'etwas', 'seit', 'ins', 'ans', 'vielmals', 'bitte', 'is', 'ons',
  'als', 'tot', 'grazie', 'poi', 'dopo', 'siamo', 'abbiamo',
]);

/**
 * German/Dutch compounds that end like a street but name a place in a building or a path of thought:
 * "Parkplatz 5", "Sitzplatz 12A", "Bahnsteig 3", "Käufer 2", "Lösungsweg 2".
 */
export const DE_NL_NOT_STREETS: readonly string[] = [
  'parkplatz', 'stellplatz', 'arbeitsplatz', 'sitzplatz', 'spielplatz', 'campingplatz', 'liegeplatz',
  'abstellplatz', 'garagenplatz', 'tiefgaragenplatz', 'stehplatz', 'ausbildungsplatz', 'studienplatz',
  'kitaplatz', 'pflegeplatz', 'startplatz', 'tabellenplatz', 'bahnsteig', 'flugsteig', 'käufer', 'kaeufer',
  'ausweg', 'umweg', 'rückweg', 'rueckweg', 'heimweg', 'hinweg', 'lösungsweg', 'loesungsweg', 'rechtsweg',
  'dateipfad', 'suchpfad', 'lernpfad', 'sackgasse', 'schützengraben', 'blockade', 'parkeerplaats',
];

/**
 * French street types written after the number and before the name: "12 rue de la Paix". The second list
 * holds the ones that are also English words ("2 Place Cards", "5 Route Options"); written capitalised and
 * without a French particle after them they need a postcode or an address context.
 */
export const FR_STREET_TYPES: ReadonlySet<string> = new Set([
  'rue', 'avenue', 'av', 'ave', 'bd', 'bld', 'blvd', 'boulevard', 'boul', 'allée', 'allee', 'impasse', 'imp',
  'chemin', 'ch', 'chem', 'quai', 'faubourg', 'fbg', 'chaussée', 'chaussee', 'rond-point', 'sentier', 'parvis',
  'hameau', 'lieu-dit', 'résidence', 'residence', 'montée', 'montee', 'traverse', 'ruelle', 'venelle',
  'place', 'pl', 'route', 'rte', 'passage', 'cours', 'villa', 'promenade', 'esplanade', 'voie', 'cité', 'cite',
]);
export const FR_AMBIGUOUS_TYPES: ReadonlySet<string> = new Set([
  'place', 'pl', 'route', 'rte', 'passage', 'cours', 'villa', 'promenade', 'esplanade', 'voie', 'cité', 'cite',
  'residence', 'résidence', 'traverse',
]);
export const FR_PARTICLES: ReadonlySet<string> = new Set([
  'de', 'du', 'des', 'la', 'le', 'les', "l'", 'l’', "d'", 'd’', 'au', 'aux', 'à', 'sur', 'en', 'et', 'sous',
]);

/**
 * Spanish, Italian, Portuguese and Catalan types written BEFORE the name, the number after it:
 * "Calle Mayor 5", "Via Roma 10", "Rua Augusta 5". Forms with and without the abbreviation dot.
 */
export const TYPE_FIRST_STREET_TYPES: ReadonlySet<string> = new Set([
  'calle', 'c/', 'cl', 'cl.', 'avenida', 'avda', 'avda.', 'av', 'av.', 'avd', 'avd.', 'paseo', 'pº', 'p.º',
  'pso', 'pso.', 'plaza', 'pza', 'pza.', 'plza', 'plza.', 'camino', 'carretera', 'ctra', 'ctra.', 'ronda',
  'rambla', 'travesía', 'travesia', 'glorieta', 'vía', 'via', 'viale', 'v.le', 'corso', 'c.so', 'piazza', 'p.za',
  'p.zza', 'piazzale', 'largo', 'vicolo', 'strada', 'lungomare', 'lungarno', 'lungotevere', 'contrada', 'salita',
  'rua', 'praça', 'praca', 'travessa', 'calçada', 'alameda', 'estrada', 'avinguda', 'carrer', 'passeig', 'plaça',
]);
/** Type-first words that are also common English words ("via Windows 11", "Largo 2", "Plaza Hotel 5"). */
export const TYPE_FIRST_AMBIGUOUS: ReadonlySet<string> = new Set([
  'via', 'plaza', 'largo', 'ronda', 'strada', 'alameda', 'camino', 'av', 'av.', 'corso',
]);
export const TYPE_FIRST_PARTICLES: ReadonlySet<string> = new Set([
  'de', 'del', 'la', 'las', 'los', 'el', 'di', 'dei', 'della', 'delle', 'degli', 'dello', 'da', 'do', 'das',
  'dos', "d'", 'd’', 'y', 'e', 'i', 'sant', 'san',
]);

/**
 * German and Dutch street words, glued to the name ("Hauptstraße", "Kalverstraat") or standing alone after it
 * ("Potsdamer Platz", "Berliner Str."). "ring" is weak ("Spring 2024", "String 3", "Offspring 2" end in it): a
 * -ring street needs a postcode or an address context.
 */
export const DE_NL_STREET_SUFFIXES: readonly string[] = [
  'straße', 'strasse', 'str.', 'weg', 'allee', 'platz', 'gasse', 'damm', 'ufer', 'chaussee', 'steig', 'pfad',
  'graben', 'straat', 'laan', 'plein', 'gracht', 'kade', 'singel', 'dijk', 'steeg', 'dreef', 'ring',
];
export const DE_NL_WEAK_SUFFIXES: ReadonlySet<string> = new Set(['ring']);

/** German two-word openings of street names: "Am Markt 3a", "Unter den Linden 77", "An der Alster 5". */
export const DE_PREPOSITIONS_1: ReadonlySet<string> = new Set(['am', 'im', 'zum', 'zur', 'beim', 'hinterm', 'unterm', 'vorm', 'auf\'m']);
export const DE_PREPOSITIONS_2: ReadonlySet<string> = new Set([
  'an der', 'an den', 'an dem', 'auf der', 'auf dem', 'auf den', 'in der', 'in den', 'unter den', 'unter der',
  'hinter der', 'hinter dem', 'hinter den', 'vor dem', 'vor der', 'vor den', 'bei der', 'bei den', 'über der',
  'op de', 'op het', 'aan de', 'aan het', 'in de', 'in het',
]);
/**
 * Nouns that make a prepositional name a street ("Am Markt", "Im Winkel"); without one (and without a postcode
 * or context) "Im Jahr 2020", "Am Montag 5", "Zum Beispiel 3" stay.
 */
export const DE_PREPOSITION_STREET_NOUNS: ReadonlySet<string> = new Set([
  'markt', 'marktplatz', 'hafen', 'bahnhof', 'anger', 'graben', 'berg', 'hang', 'wall', 'ring', 'rain', 'bach',
  'mühle', 'muehle', 'mühlbach', 'kirchberg', 'kirche', 'dom', 'park', 'stadtpark', 'schloss', 'schlossberg',
  'tor', 'see', 'wald', 'feld', 'garten', 'gärten', 'wiese', 'wiesen', 'acker', 'kamp', 'deich', 'kanal', 'ufer',
  'rathaus', 'winkel', 'eichen', 'buchen', 'linden', 'sand', 'heide', 'brink', 'weiher', 'teich', 'brunnen',
  'hof', 'steinbruch', 'sportplatz', 'friedhof', 'alster', 'rhein', 'main', 'hügel', 'huegel', 'kreuz', 'turm',
  'stadtgraben', 'stadtwall', 'weinberg', 'bleiche', 'burg', 'forst', 'holz', 'moor', 'bruch', 'wehr', 'lindenhof',
  'gracht', 'dijk', 'kade', 'haven', 'plein', 'markt', 'singel', 'brink',
]);

/** Capitalised particles and adjectives that belong to the street name before it: "Van Speijkstraat 112". */
export const STREET_NAME_PREFIXES: ReadonlySet<string> = new Set([
  'van', 'de', 'den', 'der', 'ter', 'ten', 'het', "'t", 'sint', 'oude', 'nieuwe', 'lange', 'korte', 'alte', 'alter',
  'neue', 'neuer', 'große', 'grosse', 'kleine', 'obere', 'untere', 'hohe', 'sankt', 'st.', 'von',
]);

/** Words that cannot be the name in "Xxx Straße 5" / "Xxx Platz 3" (function words at a sentence start). */
export const DE_NL_NOT_NAMES: ReadonlySet<string> = new Set([
  'auf', 'am', 'an', 'in', 'im', 'der', 'die', 'das', 'den', 'dem', 'des', 'zu', 'zum', 'zur', 'von', 'vom', 'bei',
  'beim', 'mit', 'nach', 'über', 'unter', 'vor', 'hinter', 'neben', 'ein', 'eine', 'einen', 'the', 'a', 'de',
  'het', 'een', 'op', 'aan', 'naar', 'te', 'bij', 'met', 'und', 'oder', 'en', 'of', 'and', 'meine', 'mein',
  'adresse', 'anschrift', 'lieferadresse', 'wohnort', 'adres', 'straße', 'strasse', 'platz', 'weg',
]);

/** Unit words before or after the street line: "Unit 5, 12 Smith St", "Apt 4B", "Suite 200", "Flat 3". */
export const UNIT_WORDS: ReadonlySet<string> = new Set([
  'apt', 'apartment', 'appt', 'appartement', 'suite', 'ste', 'unit', 'flat', 'fl', 'floor', 'room', 'rm', 'bldg',
  'building', 'level', 'lvl', 'shop', 'office', 'dept', 'lot', 'house', 'wohnung', 'whg', 'piso', 'puerta',
  'interno', 'int', 'scala', 'etage', 'étage', 'bureau', 'bâtiment', 'batiment', 'bat', 'bât', 'escalier', 'esc',
]);

/** Words after a number that make it a measure, a time or a price, not a house number. */
export const MEASURE_WORDS: ReadonlySet<string> = new Set([
  'minuten', 'minute', 'min', 'mins', 'minutes', 'minutos', 'minuti', 'meter', 'metern', 'metres', 'meters', 'm',
  'km', 'kilometer', 'kilometres', 'kilometers', 'miles', 'mi', 'stunden', 'std', 'hours', 'hrs', 'h', 'jahre',
  'jahren', 'years', 'tage', 'tagen', 'days', 'mal', 'times', 'x', 'euro', 'eur', 'usd', 'dollar', 'dollars', '%',
  'prozent', 'percent', 'uhr', 'pm', 'am', 'sekunden', 'seconds', 'secs', 's', 'ms', 'gb', 'mb', 'kb', 'tb',
  'stück', 'stk', 'pieces', 'pcs', 'items', 'horas', 'ore', 'anni', 'años', 'jaar', 'uur', 'minuten',
]);

/** Australian state abbreviations that stand before a four-digit postcode: "Sydney NSW 2000". */
export const AU_STATES: readonly string[] = ['NSW', 'VIC', 'Vic', 'QLD', 'Qld', 'SA', 'WA', 'TAS', 'Tas', 'ACT', 'NT'];

/**
 * Strong address context: a word that says the next thing is where someone lives or receives mail. Searched in
 * the 48 characters before a candidate, cut at the last sentence end. Stems, lower case.
 */
export const STRONG_CONTEXT_WORDS: readonly string[] = [
  'live', 'lives', 'living', 'reside', 'resides', 'residing', 'resident', 'address', 'addr', 'ship', 'shipping',
  'shipped', 'deliver', 'delivery', 'delivered', 'send it to', 'send them to', 'send to', 'mail to', 'mail it to',
  'post to', 'post it to', 'located', 'moved to', 'move to', 'moving to', 'relocated', 'visit us', 'visit me',
  'find us', 'billing', 'my place', 'our office', 'home is', 'house is', 'stay at', 'staying at', 'stayed at',
  'wohne', 'wohnt', 'wohnen', 'wohnhaft', 'adresse', 'anschrift', 'liefer', 'schicken an', 'senden an',
  "j'habite", 'j’habite', 'habite', 'habitons', 'domicile', 'domicilié', 'livrer', 'livraison', 'envoyer',
  'vivo en', 'vivimos en', 'dirección', 'direccion', 'domicilio', 'enviar a', 'envíe', 'envie', 'abito',
  'abitiamo', 'vivo in', 'indirizzo', 'residente', 'spedire', 'spedite', 'consegna', 'woon', 'woont', 'adres',
  'bezorg', 'stuur', 'moro na', 'moro em', 'endereço', 'endereco',
];

/** Weak context: a preposition or colon directly before the candidate ("at 5 Main St", "Adresse: ..."). */
export const WEAK_CONTEXT_WORDS: ReadonlySet<string> = new Set([
  'at', 'to', 'on', 'in', 'from', 'near', 'is', 'c/o', 'en', 'à', 'au', 'bei', 'an', 'nach', 'naar', 'op', 'te',
  'a', 'al', 'na', 'em', 'no',
]);

/** Words that introduce a postcode standing alone: "postcode SW1A 2AA", "zip 94103-1234", "PLZ 10115". */
export const POSTCODE_WORDS: readonly string[] = [
  'postcode', 'post code', 'post-code', 'postal code', 'postalcode', 'zip', 'zipcode', 'zip code', 'zip-code',
  'zip+4', 'postleitzahl', 'code postal', 'código postal', 'codigo postal', 'codice postale', 'c.a.p.', 'postnummer',
  'postnr', 'pin code', 'eircode',
];
/** Case-sensitive postcode words (lower case "cap", "cp", "plz" are other words: "salary cap", "plz"). */
export const POSTCODE_WORDS_UPPER: readonly string[] = ['PLZ', 'Plz', 'CAP', 'CP', 'C.P.', 'C.P'];
/** Wider words that may introduce a UK/Canadian postcode or a ZIP+4 (the shape itself is distinctive). */
export const POSTCODE_AREA_WORDS: readonly string[] = [
  'address', 'addr', 'live in', 'lives in', 'living in', 'located in', 'based in', 'moved to', 'adresse',
  'wohne in', 'habite à', 'indirizzo', 'dirección', 'direccion',
];
