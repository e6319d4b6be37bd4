import { before, finding, upperOrNonAscii, type Finding, type Recognizer } from '../recognizer';

/**
 * PERSON: a person's name where the text says it is one — after a self-introduction, in a salutation or a
 * sign-off, after a title, or as the value of a `name:`-style field. A capitalised word anywhere else is not
 * treated as a name: without a trigger there is no way to tell "Paris" the person from "Paris" the city at
 * the speed the ingest path needs (see "NLP" below). Only the name is replaced; the trigger stays
 * ("Hi [PERSON],", "Mr. [PERSON]", "Name: [PERSON]").
 *
 * Triggers (all in bounded windows right after the trigger; each candidate costs a constant):
 *   - self-introductions: strong ones (my name is, call me, je m'appelle, ich heiße, mein Name ist, me llamo,
 *     mi nombre es, mi chiamo, mijn naam is, ik heet, meu nome é, меня зовут, με λένε, ...) accept a
 *     capitalised name and also a lower-case one ("my name is john smith"): people type names in lower case
 *     and the phrase leaves no doubt. Weak ones (I'm, I am, je suis, soy, sono, ik ben, eu sou, ich bin) accept only a
 *     capitalised name that is not a common word ("I'm Sorry", "I'm Having trouble", "I'm German" stay).
 *     "this is" / "it's" only when the name is followed by from/here/speaking/calling/with/at/of or a greeting
 *     stands just before ("Hi, this is Anna."): "This is Python." stays.
 *   - salutations (Hi, Hello, Hey, Dear, Happy birthday, Congratulations, Hallo, Liebe(r), Bonjour, Cher/Chère, Hola, Querido/a, Estimado/a,
 *     Ciao, Caro/a, Gentile, Beste, Hoi, Olá, Здравствуйте, Уважаемый, Αγαπητέ, ...), name capitalised;
 *   - sign-offs (Thanks, Regards, Best, Cheers, Sincerely, Mit freundlichen Grüßen, Cordialement, Saludos,
 *     Cordiali saluti, Met vriendelijke groet, С уважением, ...) followed by a comma or a line break (the name
 *     may stand on the next line, after at most one blank line); "Thanks John" without a comma only for the
 *     thanks-words, so "Best Buy" and "I love Paris" stay;
 *   - titles, case-sensitive (Mr, Mrs, Ms, Mx, Miss, Dr, Prof, Sir, Dame, Lady, Lord, Herr, Frau, M., Mme,
 *     Mlle, Sr., Sra., Srta., Sig., Sig.ra, Dott., Dhr., Mevr., ...). Brands and fictional characters made of
 *     a title and a word stay: Dr. Pepper, Mr. Robot, Prof. Layton, Mr. Bean, Dr. Who, Miss Universe, ... —
 *     they are not a person the text is about (decided: a show title is not personal data).
 *   - fields: a key whose last word is a person-name key (name, full name, first/last name, surname,
 *     customer_name, customerName, Nom, Prénom, Nombre, Apellido, Vorname, Nachname, Nome, Cognome, Naam,
 *     Voornaam, Имя, Όνομα, 姓名, 名前, 이름, ...) then `:` or `=`. `product name:`, `file_name=`,
 *     `hostname:` are not person keys. A quoted value of a bare `name` key needs two words, since code
 *     names things (`name: "Config"`, `"name": "Flywheel"`); `name: string`, `name = "config"` stay
 *     because they are lower case, `name: String` because type words are on the stop-list. A dash separates a
 *     value only after a name-word key ("Customer name - Ana Lima", "Surname – Lima"), not after a role key
 *     ("Contact - Support" is a heading). Compound owner keys: account holder/owner, policyholder, homeowner.
 *   - "name's X", "the name's X", "his/her/their name is X": weak (capitalised, stop-listed), and not after a
 *     thing word ("the file name's Config").
 *   - sign-offs may end in lower-case words before their line break ("Thanks in advance,\n", "Thank you so
 *     much!\n", "Thanks for your help.\n"): then the name must stand alone on the next line; a signature line
 *     may start with a dash ("— Nils", "- Jane", "--\nJane"), which stays.
 *   - a name in brackets right after a found name, in another script, is the same person transliterated
 *     ("山田太郎 (Taro Yamada)", "Ivan Petrov (Иван Петров)"); "Anna (Marketing)" (same script) stays.
 *   - after a salutation or sign-off, a word followed by a group noun (team, folks, everyone, all, support,
 *     crew, guys, people, staff, Team as a hyphen tail, équipe, ...) is a company or product addressed as a
 *     group ("Hello Flywheel team", "Hallo Flywheel-Team"): no name. Not after an introduction ("my name is
 *     Anna all right").
 *
 * Name shape: up to 4 capitalised words (`\p{Lu}\p{Ll}*`, any script with case: Latin with diacritics,
 * Cyrillic, Greek), each possibly with an inner capital (McDonald, DeShawn), apostrophe or hyphen parts
 * (O'Connor, D'Angelo, Anne-Marie, Lefèvre-Dupont), an `al-`/`el-` prefix, initials (J. R. Smith, J.R.), and
 * up to two lower-case particles between words (van der Berg, de la Cruz, von Trapp, bin, ibn, al, da, di,
 * du, dos, ten, ter, y, zu). Scripts without case: Han 2–4 characters (王伟), katakana runs (タナカ・ハナコ),
 * Hangul 2–4 (김민수, a trailing 입니다/이에요 excluded), Arabic, Hebrew and Devanagari words (one or two).
 * A word glued to a digit, an underscore or an upper-case run (ChatGPT, iPhone, GPT-4) is not a name word.
 *
 * Stop-list: a name whose first word is a common word (pronouns, greetings, roles like Team, Customer, All,
 * Everyone, Sir, Madam; adjectives and -ing/-ed forms after "I'm"; days, months; code type words) is no
 * name; later words cut the name at the first stop-word ("Best regards,\nJohn Support" → John), except that a
 * group noun after a salutation's word drops it (see above).
 *
 * NLP (issue 13 point 4), measured and dropped: on the 145-sentence dev set (test/unit/redaction/
 * person-name.dev-set.ts; bench/person-nlp.bench.ts) compromise's people() over the whole text found the 12%
 * of names that have no trigger but ran at ~0.03 MB/s (this recognizer: 15–45 MB/s) and hit 4 of 42 no-name
 * sentences; on the 80 characters after each trigger it added no recall; wink-nlp's lite model has no PERSON
 * entity and its PROPN runs had 68% precision. Figures: docs/redaction-dob-person.md.
 */

// Small helper regexes (on names, keys and separators of a few characters), listed for the ReDoS check.
const RE_SPECIAL = /[.*+?^${}()|[\]\\/-]/;
const KEY_LEAD_SEP = /^[ _-]/u;
const WHITESPACE = /\s+/u;
const SPACES_KEPT = /([ \u00A0]+)/u;
const POSSESSIVE = /['’]s$/u;
const ANY_UPPER = /\p{Lu}/u;
const STARTS_LOWER = /^\p{Ll}/u;
const CURLY_APOSTROPHE = /’/gu;
const ANY_SPACE = /\s/gu;
const SIGN_OFF_PUNCT = /[,\n–—-]/u;
const SENTENCE_PUNCT = /[.!:]/u;
const ONE_SPACE = /[ \u00A0]/u;
const KEY_SPACES = /[ ]+/u;
const KEY_JOINERS = /[_-]/gu;
const LEADING_WORD = /^[\p{L}\p{N}]+/u;
const ARABIC_AND_WORD = /[ \u00A0]و\p{Script=Arabic}{0,20}$/u;
const HINDI_COPULA = /[ \u00A0](?:है|हूँ|हूं)$/u;
const DIGIT_AFTER_SPACE = /^[ \u00A0]\d/u;
const LINE_END_AFTER_NAME = /^[ \t\u00A0]*(?:$|\r?\n|[,|–—-]|\()/u;

// --- name shape -------------------------------------------------------------------------------------------

// One capitalised word: Anna, José, O'Connor, McDonald, Anne-Marie, al-Rashid, Ŝtefan, Иван, Γιώργος.
const WORD_CAP =
  "(?:al-|el-)?\\p{Lu}[\\p{Ll}\\p{M}]{0,24}(?:\\p{Lu}[\\p{Ll}\\p{M}]{1,24})?(?:['’-]\\p{Lu}?[\\p{Ll}\\p{M}]{1,24}){0,2}(?![\\p{L}\\p{N}_/@])";
const INITIALS = '\\p{Lu}\\.(?:\\s?\\p{Lu}\\.){0,2}';
const PARTICLE_WORDS = 'van|von|der|den|de|del|della|degli|di|da|du|des|la|le|ten|ter|te|bin|binti|bint|ibn|al|el|dos|das|do|y|zu|af|av|ben';
// A particle and what follows it: "van ", "de ", or elided "d'"/"l'" glued to the next word (d'Artagnan).
const PARTICLE = `(?:(?:${PARTICLE_WORDS})[ \\u00A0]|[dl]['’])`;
const UNIT_CAP = `(?:${INITIALS}|${WORD_CAP})`;
// A name may start with particles ("Achternaam: de Jong", "van Dijk"): Dutch and Spanish surnames do.
const NAME_CAP = `${PARTICLE}{0,2}${UNIT_CAP}(?:[ \\u00A0]${PARTICLE}{0,2}${UNIT_CAP}){0,3}`;
// Lower-case names, only after a strong introduction ("my name is john smith").
const WORD_LOW = "\\p{Ll}[\\p{Ll}\\p{M}]{1,24}(?:['’-]\\p{Ll}[\\p{Ll}\\p{M}]{0,24})?(?![\\p{L}\\p{N}_])";
const NAME_LOW = `${WORD_LOW}(?:[ \\u00A0]${WORD_LOW}){0,2}`;
// Scripts without case.
const NAME_UNCASED =
  '\\p{Script=Han}{2,4}' +
  '|[\\p{Script=Katakana}ー・]{2,20}' +
  '|\\p{Script=Hangul}{2,4}?(?=입니다|이에요|예요|이고|라고|[\\s,.!]|$)' +
  '|[\\p{Script=Arabic}]{2,20}(?:[ \\u00A0][\\p{Script=Arabic}]{2,20})?' +
  '|[\\p{Script=Hebrew}]{2,20}(?:[ \\u00A0][\\p{Script=Hebrew}]{2,20})?' +
  '|[\\p{Script=Devanagari}]{2,20}(?:[ \\u00A0][\\p{Script=Devanagari}]{2,20})?';

// Sticky: tried at one position (right after a trigger and its separator). Two regexes, not one alternation:
// the ReDoS checker could not decide the combined one within its 10 s budget (each alone: safe in < 4 s).
const NAME_CAP_AT = new RegExp(NAME_CAP, 'uy');
const NAME_UNCASED_AT = new RegExp(`(?:${NAME_UNCASED})`, 'uy');
const NAME_LOW_AT = new RegExp(NAME_LOW, 'uy');

// --- triggers ---------------------------------------------------------------------------------------------

// Trigger phrases as plain lower-case literals: ' stands for ' or ’, a space for one whitespace character.
const STRONG_INTRO = [
  'my name is', "my name's", 'my full name is', "my full name's", 'my first name is', 'my last name is',
  'my real name is', 'my surname is', 'call me', 'you can call me', 'they call me', 'please call me',
  "je m'appelle", 'je me nomme', 'mon nom est', 'mon prénom est', 'mein name ist', 'mein vorname ist',
  'ich heiße', 'ich heisse', 'me llamo', 'mi nombre es', 'mi chiamo', 'il mio nome è', 'mijn naam is', 'ik heet',
  'meu nome é', 'me chamo', 'меня зовут', 'мене звати', 'моё имя', 'мое имя', 'με λένε', 'ονομάζομαι', 'λέγομαι',
  'το όνομά μου είναι',
];
const WEAK_INTRO = [
  "i'm", 'i am', 'je suis', 'soy', 'sono', 'ik ben', 'eu sou', 'ich bin',
  // "Name's Bond", "the name's Bond", and someone else's name ("his name is Tom"): capitalised only, and not
  // after a thing word ("the file name's Config", see THING_QUALIFIERS).
  "name's", "the name's", 'his name is', "his name's", 'her name is', "her name's", 'their name is',
];
const THIS_IS = ['this is', "it's", "c'est", 'hier ist', 'aquí', 'qui è'];
const SALUTATION = [
  'hi', 'hello', 'hey', 'hiya', 'dear', 'happy birthday', 'congratulations', 'congrats', 'good morning', 'good afternoon', 'good evening', 'greetings',
  'hallo', 'liebe', 'lieber', 'moin', 'servus', 'bonjour', 'bonsoir', 'salut', 'cher', 'chère', 'coucou',
  'hola', 'buenos días', 'buenas tardes', 'querido', 'querida', 'estimado', 'estimada', 'ciao', 'salve',
  'buongiorno', 'buonasera', 'caro', 'cara', 'gentile', 'gentilissimo', 'gentilissima', 'beste', 'hoi',
  'goedemorgen', 'goedemiddag', 'olá', 'oi', 'prezado', 'prezada', 'здравствуйте', 'привет', 'уважаемый',
  'уважаемая', 'дорогой', 'дорогая', 'γεια σου', 'γεια σας', 'αγαπητέ', 'αγαπητή', 'αξιότιμε', 'αξιότιμη',
];
// Sign-offs that need a comma or a line break before the name.
const SIGN_OFF = [
  'best regards', 'kind regards', 'warm regards', 'warmest regards', 'with regards', 'regards', 'best wishes',
  'best', 'cheers', 'sincerely', 'yours sincerely', 'sincerely yours', 'yours truly', 'yours faithfully', 'yours',
  'respectfully', 'signed', 'warmly', 'all the best', 'take care', 'love', 'xoxo', 'talk soon',
  'mit freundlichen grüßen', 'mit freundlichen grüssen', 'mit freundlichen gruessen', 'freundliche grüße',
  'freundliche grüsse', 'viele grüße', 'viele grüsse', 'liebe grüße', 'liebe grüsse', 'beste grüße',
  'beste grüsse', 'gruß', 'gruss', 'grüße', 'grüsse', 'lg', 'vg', 'mfg',
  'cordialement', 'bien cordialement', 'bien à vous', 'amicalement', 'bises', 'salutations',
  'saludos', 'un saludo', 'atentamente', 'un abrazo', 'cordiali saluti', 'distinti saluti', 'saluti', 'un saluto',
  'met vriendelijke groet', 'met vriendelijke groeten', 'vriendelijke groet', 'vriendelijke groeten', 'groeten',
  'groetjes', 'groet', 'atenciosamente', 'abraços', 'с уважением', 'με εκτίμηση',
  'much appreciated', 'appreciate it', 'with thanks', 'with gratitude', 'gratefully', 'speak soon', 'hope this helps',
  'have a nice day', 'have a great day', 'looking forward to hearing from you', 'bis bald', 'bien à toi', 'a presto',
  'hasta pronto', 'tot ziens', 'até breve', 'um abraço',
];
// Thanks-words: also accepted with just a space before the name ("Thanks John!").
const THANKS = [
  'thanks', 'thank you', 'thanks again', 'thanks so much', 'many thanks', 'thx', 'ty', 'danke', 'vielen dank',
  'merci', 'merci beaucoup', 'gracias', 'muchas gracias', 'grazie', 'grazie mille', 'bedankt', 'dank je', 'dank u',
  'obrigado', 'obrigada', 'спасибо', 'ευχαριστώ', "merci d'avance", 'merci par avance', 'danke im voraus',
  'gracias de antemano', 'grazie in anticipo', 'alvast bedankt',
];

const enum Kind {
  Strong = 1,
  Weak = 2,
  ThisIs = 3,
  SignOff = 4,
  Thanks = 5,
  Salutation = 6,
}

/** Normalised phrase (lower case, ' for ’, one space per whitespace) -> its kind. */
const KIND_OF = new Map<string, Kind>();
for (const [kind, list] of [
  [Kind.Salutation, SALUTATION],
  [Kind.Thanks, THANKS],
  [Kind.SignOff, SIGN_OFF],
  [Kind.ThisIs, THIS_IS],
  [Kind.Weak, WEAK_INTRO],
  [Kind.Strong, STRONG_INTRO],
] as const) {
  for (const phrase of list) KIND_OF.set(phrase, kind);
}

/**
 * One regex for all phrases, factored as a trie ("h(?:i(?:ya)?|ello|ey|allo|ola|oi)..."): the same
 * phrases as a flat alternation of ~190 branches scanned at 24 MB/s, the trie at ~60 MB/s (V8 tries the
 * branches in turn at every position; the trie fails on the first character). Longer phrases win because a
 * trie node tries its continuations before ending ("best regards" before "best").
 */
function trieSource(phrases: Iterable<string>): string {
  type Node = Map<string, Node> & { end?: boolean };
  const root: Node = new Map();
  for (const p of phrases) {
    let n = root;
    for (const ch of p) {
      let next = n.get(ch);
      if (next === undefined) n.set(ch, (next = new Map()));
      n = next;
    }
    n.end = true;
  }
  const esc = (ch: string): string =>
    ch === ' ' ? '\\s' : ch === "'" ? "['’]" : RE_SPECIAL.test(ch) ? `\\${ch}` : ch;
  const emit = (n: Node): string => {
    const alts = [...n.entries()].map(([ch, child]) => esc(ch) + emit(child));
    if (alts.length === 0) return '';
    const body = alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
    return n.end === true ? `(?:${alts.join('|')})?` : body;
  };
  return emit(root);
}

// Not after a letter, digit, '_' or ']': a placeholder's ']' stands where a letter or digit was ("12/04/1987Hi",
// "我叫Best"), and a trigger that was glued to it on the first run must not fire on the second (idempotency).
const TRIGGER = new RegExp(`(?<![\\p{L}\\p{N}_\\]])${trieSource(KIND_OF.keys())}(?![\\p{L}\\p{N}])`, 'giu');

// Separators between trigger and name, per kind (sticky at the trigger's end).
const SEP_INTRO = /(?:[ \u00A0]{1,3}|[ \u00A0]{0,2}:[ \u00A0]{0,2})["'“‘]?/uy;
const SEP_SALUTATION = /,?[ \u00A0]{1,3}/uy;
// ", " or ",\n" or "\n" or " -\n" ... at most one blank line before the name.
const SEP_SIGN_OFF = /[ \t\u00A0]{0,3}[,!.:–—-]?[ \t\u00A0]{0,3}(?:\r?\n[ \t\u00A0]{0,8}){0,3}/uy;
const AND_NEXT = /[ \u00A0]{0,2}(?:and|&|und|et|y|e|en)[ \u00A0]{1,2}/uy;
const SEP_THANKS = /[ \t\u00A0]{0,3}[,!.:–—-]?[ \t\u00A0]{0,3}(?:\r?\n[ \t\u00A0]{0,8}){0,3}/uy;
// Lower-case words that finish a sign-off before its line break ("Thanks in advance,\n", "Thank you so much!\n",
// "Thanks for your help.\n"): skipped only when the line ends there, so the name must stand alone on the next line;
// not before a colon ("best way to fix it:\nRestart" introduces content, not a signature).
const SIGN_OFF_TAIL = /(?:[ \u00A0]{1,2}[\p{Ll}'’]{1,15}){1,6}(?=[ \t\u00A0]{0,3}[,!.]?[ \t\u00A0]{0,3}\r?\n)/uy;
// A signature line led by a dash ("— Nils", "- Jane", "-- \nJane", "~ Ana"): the dash is not part of the name.
const WEAK_NAME_PHRASE = /name/iu;
const PREV_WORD = /(\p{L}{2,20})[ \u00A0]{1,2}$/u;
const SIGNATURE_DASH = /[–—~-]{1,2}[ \t\u00A0]{0,2}(?:\r?\n[ \t\u00A0]{0,8})?/uy;
// The word after a name: a group noun there makes the "name" a company or product addressed as a group
// ("Hello Flywheel team", "Hi Acme support", "Thanks Stripe folks").
const NEXT_WORD = /[ \u00A0]{1,2}(\p{L}{2,15})(?![\p{L}\p{N}])/uy;
const HYPHEN_TAIL = /[-‐](\p{L}{2,15})$/u;
const BRACKET_OPEN = /[ \u00A0]{0,2}[(（][ \u00A0]?/uy;
const BRACKET_CLOSE = /^[ \u00A0]?[)）]/u;

// "this is Anna from ...": what must follow the name.
const THIS_IS_FOLLOW =
  /^(?:[ \u00A0]{1,3}(?:from|here|speaking|calling|with|at|of|von|de|da|di|van|aus|du|dalla|del)(?![\p{L}])|[ \u00A0]{0,2}[,–—-][ \u00A0]{0,2}(?:from|here|speaking|calling|\p{Ll}{1,20}[ \u00A0](?:at|of|from))(?![\p{L}]))/iu;
const GREETING_BEFORE = /(?:hi|hello|hey|good\s(?:morning|afternoon|evening)|bonjour|hallo|hola|ciao)[,!.]?[ \u00A0]{0,3}$/iu;

// Titles, case-sensitive: "dr" in "dr. med." and "sir" in "yes sir" are lower case.
const TITLE = new RegExp(
  '(?<![\\p{L}\\p{N}_\\]])(Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Sir|Dame|Lady|Lord|Herr|Frau|Hr|Fr|M|Mme|Mlle|Madame|Monsieur|' +
    'Sr|Sra|Srta|Doña|Dña|Sig|Sig\\.ra|Sig\\.na|Signor|Signora|Dott|Dott\\.ssa|Dhr|Mevr|Mevrouw|Meneer|Mw)' +
    '(?:\\.[ \\u00A0]{0,2}|[ \\u00A0]{1,2})(?=\\p{Lu})',
  'gu',
);

// Field keys: the keyword, then the key is read from a bounded window before it.
const FIELD_KEYWORD = new RegExp(
  '(?:name|nom|prénom|prenom|nombre|apellidos?|vorname|nachname|familienname|nome|cognome|naam|voornaam|achternaam|' +
    'surname|cardholder|holder|owner|contact|attn|attention|customer|client|patient|applicant|passenger|guest|assignee|reporter|requester|' +
    'имя|фамилия|όνομα|επώνυμο|姓名|名前|氏名|이름)' +
    '(?![\\p{L}\\p{N}])["\'`]?(?:[ \\u00A0]{0,3}(?::=|[:=：])|[ \\u00A0]{1,3}([–—-]))[ \\u00A0]{0,3}(["\'“]?)',
  'giu',
);
const KEY_CHAR = /[\p{L}\p{N}]/u;

/**
 * The field key that ends at `end`: the word there and up to two words before it joined by ' ', '_' or '-'
 * ("Full Name", "customer_name", "Please enter your name" -> "enter your name"). A backwards walk of at most
 * 3 × 21 characters (a `...$` regex on the window is quadratic in the window and the ReDoS checker says so).
 */
function keyBefore(text: string, end: number): string {
  let i = end;
  for (let word = 0; word < 3; word++) {
    let n = 0;
    while (i > 0 && n < 21 && KEY_CHAR.test(text[i - 1]!)) {
      i--;
      n++;
    }
    if (n === 0 || word === 2 || i < 2) break;
    const sep = text[i - 1]!;
    if ((sep !== ' ' && sep !== '_' && sep !== '-') || !KEY_CHAR.test(text[i - 2]!)) break;
    i--;
  }
  return text.slice(i, end).replace(KEY_LEAD_SEP, '');
}

// Introductions in scripts without spaces or case.
const UNCASED_INTRO = new RegExp(
  '(?:我的名字是|我的名字叫|我叫|我名叫|私の名前は|僕の名前は|わたしの名前は|제\\s?이름은|내\\s?이름은|저는|' +
    'اسمي|إسمي|أنا\\sاسمي|שמי|קוראים\\sלי|मेरा\\sनाम|亲爱的)[ \\u00A0]{0,2}',
  'gu',
);
// Japanese "<name>と申します" (the name comes first).
const JA_MOUSHIMASU = /(?<![\p{Script=Han}\p{Script=Katakana}ー・])(\p{Script=Han}{2,4}|[\p{Script=Katakana}ー・]{2,20})と申します/gu;

// The gate. A name the recognizer can find is capitalised, or in a script without case, or follows a strong
// introduction (the only lower-case case). So: any A-Z or non-ASCII character (the shared upperOrNonAscii:
// capitals, accented letters, Cyrillic, Greek, Han, ...), else pure lower-case ASCII must hold the start of a
// strong introduction: "my "/"me "/"mi "/"mon "/"mein "/"mijn "/"meu "/"mio "/"m'" at the start or after a
// space, tab or line break (my name is, call me, je m'appelle, me llamo, mi chiamo, mein Name, ...) or
// " heisse"/" heet". One alternation of the same words with /i ran at 53 MB/s; four literal-led regexes cost
// ~2.5 µs per 400 characters, half the redactor's cost on bench:ingest's lower-case text; native indexOf
// walks cost a fraction of that.
/** The rest of an introduction word after its "m" (sticky, tried only where an "m" starts a word). */
const M_WORD_REST = /(?:y|e|i|on|ein|ijn|eu|io)?[\s'’]/y;

/** Lower-case ASCII text: does a strong introduction start somewhere (see the gate above)? */
function lowerCaseIntroduction(text: string): boolean {
  // indexOf is a native search: on 400 characters of chat it finds the ~10 "m"s faster than one regex pass.
  for (let i = text.indexOf('m'); i !== -1; i = text.indexOf('m', i + 1)) {
    if (i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (prev !== 32 && prev !== 9 && prev !== 10) continue;
    }
    M_WORD_REST.lastIndex = i + 1;
    if (M_WORD_REST.test(text)) return true;
  }
  // A regex here, not indexOf: a search led by ' ' or 'h' stops at every space or "h" (5× slower than this).
  return HE_WORD.test(text);
}

/** German "ich heisse", Dutch "ik heet". */
const HE_WORD = / he(?:isse|et)(?![a-z])/;

// --- stop-lists -------------------------------------------------------------------------------------------

/** Words that are not a name's first word, lower case. */
const STOP = new Set(
  (
    // titles (the title scan handles the name after them)
    'mr mrs ms mx miss dr prof sir dame lady lord herr frau hr fr m mme mlle sr sra srta sig dott dhr mevr mw ' +
    // sentence starters after "Thanks." / "Hi," and contractions read as one word
    'is are was were do does did can could would should shall might must have has had let lets ' +
    "i'm i've i'll i'd it's that's let's don't can't won't isn't there's here's what's we're you're " +
    'however sounds hope see got quick sorry groot ' +
    // pronouns, articles, function words
    'i me my mine you your yours he him his she her hers it its we us our they them their this that these those ' +
    'the a an and or but nor so yet if then than as at by for from in into of on onto to up with without about ' +
    'here there where when what who whom which why how all any both each every everyone everybody everything ' +
    'someone somebody something anyone anybody anything nobody nothing none no not yes ok okay also just only ' +
    'still again already always never now today tomorrow yesterday tonight soon later maybe perhaps please ' +
    'very really quite too well much many more most some such same other another one two three ' +
    // greetings, sign-offs, closings
    'hi hello hey dear thanks thank thx regards best cheers sincerely yours love greetings welcome morning ' +
    'afternoon evening night day good great kind warm warmest all ' +
    // roles and collective addressees
    'team teams everyone folks guys gals people friends friend family colleagues colleague sir madam sirs ' +
    'madams mister ma\'am maam customer customers client clients user users member members partner partners ' +
    'support admin admins administrator manager managers hiring recruiter sales service services staff crew ' +
    'world universe community committee board department office reader readers viewer viewers listener ' +
    'listeners student students teacher teachers doctor nurse boss chief director ceo cto officer agent ' +
    'valued sender recipient owner there y\'all everybody world ' +
    // family and pet names for people, not names
    'mom mum mommy mummy mama dad daddy papa grandma granny grandpa honey babe baby bro sis dude buddy mate ' +
    'guest diary ' +
    // adjectives and states after "I'm"
    'sorry happy sad glad excited afraid sure fine good great new back done stuck lost confused curious ' +
    'interested available unable able ready here home late early busy tired sick ill hungry right wrong ' +
    'responsible aware unsure grateful thankful pleased delighted concerned worried frustrated disappointed ' +
    'writing calling contacting reaching trying looking having getting going working using wondering asking ' +
    'hoping planning following replying responding emailing messaging testing running building ' +
    'from in at on with not also just still so very really a an the ' +
    // nationalities, languages, religions (a person's attribute, not their name)
    'american british english canadian australian german french spanish italian dutch belgian swiss austrian ' +
    'irish scottish welsh polish russian ukrainian chinese japanese korean indian pakistani brazilian ' +
    'mexican portuguese greek turkish swedish norwegian danish finnish european asian african latino latina ' +
    'hispanic jewish muslim christian catholic hindu buddhist atheist vegan vegetarian deutsch français ' +
    'español italiano nederlands ' +
    // days and months
    'monday tuesday wednesday thursday friday saturday sunday january february march july ' +
    'september october november december ' + // April, May, June, August are also first names
    // code and data words after "name:"
    'string str number int integer float double boolean bool object array list dict map set optional null ' +
    'none nil true false undefined any unknown text varchar char date datetime required default type value ' +
    'example sample test demo foo bar baz todo tbd na n/a anonymous redacted withheld private confidential ' +
    'secret unknown irrelevant ' +
    // product-like and assistant words
    'chatgpt gpt siri alexa google cortana bixby copilot gemini claude bard assistant bot robot ai ' +
    'kitty python java javascript typescript windows linux android ios mac apple microsoft amazon ' +
    // German nouns are capitalised: "Ich bin Arzt/Student/Kunde/neu hier" (professions and roles)
    'arzt ärztin student studentin kunde kundin lehrer lehrerin entwickler entwicklerin ingenieur ingenieurin ' +
    'anfänger anfängerin mitarbeiter mitarbeiterin admin administrator besitzer inhaber deutscher deutsche ' +
    'österreicher schweizer mutter vater rentner rentnerin selbstständig selbständig froh traurig ' +
    // German/French/Spanish/Italian/Dutch greetings, sign-offs and collective addressees
    'grüße grüsse gruß gruss wünsche liebe lieber freundlichen vielen dank danke alle zusammen kollegen ' +
    'kunde kundin damen herren team leute merci cordialement salutations tous tout toutes monsieur madame ' +
    'mesdames messieurs chers amis gracias saludos todos todas señor señora señores amigos equipo cliente ' +
    'grazie saluti tutti signore signora signori amici squadra groeten allemaal iedereen heren dames klant ' +
    'mijnheer mevrouw ' +
    // Cyrillic/Greek collective addressees
    'все друзья коллеги клиент όλοι φίλοι ' +
    // Han/Japanese/Korean common words after the uncased triggers
    '什么 用户 客户 朋友 大家 同事 学生 老师 先生 女士 お客様 皆様 みなさん 학생 여러분 고객'
  ).split(WHITESPACE),
);
// Group nouns: "<Word> team" is a company or product addressed as a group, not a person (see NEXT_WORD).
const GROUP_NOUNS = new Set(
  (
    'team teams folks everyone everybody all crew guys gals people staff support community devs developers ' +
    'maintainers squad gang fam family friends users members colleagues group department dept office helpdesk ' +
    'engineers engineering ops admins owners founders peeps lot équipe equipe equipo equipa squadra ploeg ' +
    'leute zusammen kollegen tous todos tutti allemaal iedereen'
  ).split(' '),
);
// Title + word pairs that are brands, shows or fictional characters, not a person the text is about.
const TITLE_STOP = new Set(
  (
    'robot pepper layton bean clean freeze potato who strange oetker martens scholl seuss no evil hyde ' +
    'universe world america teen earth right know-it-all'
  ).split(' '),
);
// Name keys (normalised: lower case, no space, '_' or '-').
const PERSON_KEYS = new Set(
  (
    'name fullname firstname lastname givenname familyname surname middlename maidenname birthname legalname ' +
    'customername clientname contactname patientname displayname accountholder accountholdername cardholder ' +
    'contact contactperson attn attention customer client patient applicant passenger guest assignee reporter ' +
    'requester cardholdername nameoncard sendername recipientname billingname shippingname ownername employeename ' +
    'studentname guestname passengername yourname myname realname personname holdername applicantname ' +
    'nom prénom prenom nomcomplet nomdefamille nombre apellido apellidos nombrecompleto vorname nachname ' +
    'familienname vollständigername nome cognome nomecompleto naam voornaam achternaam volledigenaam ' +
    'имя фамилия όνομα επώνυμο 姓名 名前 氏名 이름 accountowner cardowner policyholder policyowner homeowner'
  ).split(' '),
);
// Keys that name the name itself (not a role like customer/contact): only these take a dash separator
// ("Customer name - Ana Lima", "Surname – Lima"); "Contact - Support" is a heading.
const NAME_WORD_KEYS = new Set(
  (
    'name nom prénom prenom nombre apellido apellidos vorname nachname familienname nome cognome naam voornaam ' +
    'achternaam surname holder имя фамилия όνομα επώνυμο'
  ).split(' '),
);
// Words that make "<word> name" a thing's name, not a person's ("Product Name:", "file name =").
const THING_QUALIFIERS = new Set(
  (
    'product file host user project company model app application package class variable var field column ' +
    'table branch repo repository domain server service device brand team org organization organisation ' +
    'business store shop event course city street pet dog cat book song album game ship key tag group ' +
    'image bucket queue database db schema function method module plugin feature environment env region ' +
    'zone node pod container job task step test screen nick code item folder directory path site page ' +
    'template account list role bank network cluster instance index metric label stage workflow pipeline ' +
    'topic channel room product_ display_ font color colour style theme layer object property attribute ' +
    'param parameter argument type enum interface struct record resource policy rule certificate cert'
  ).split(' '),
);

// --- checks -----------------------------------------------------------------------------------------------

const PARTICLES = new Set(PARTICLE_WORDS.split('|'));
const PARTICLE_START = new RegExp(`^${PARTICLE}`, 'u');
const NON_NAME_SUFFIX = /^\p{L}{2,}(?:ing|ed|ful|ous|ive|ish|less|able|ible)$/u;

/**
 * Cuts the matched name at its first stop-word (and drops particles left dangling by the cut); returns the
 * kept length (0: no name). `strict` (after "I'm", "this is", in fields, and for lower-case names) also
 * refuses a first word that looks like an adjective or participle (-ing/-ed/-ful/..., longer than 5 letters):
 * "I'm Looking", "I'm Grateful".
 */
function keepLength(name: string, strict: boolean): number {
  const parts = name.split(SPACES_KEPT);
  const kept: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const w = parts[i]!;
    const lw = w.toLowerCase().replace(POSSESSIVE, '');
    if (STOP.has(lw)) break;
    if (kept.length === 0 && strict && lw.length > 5 && NON_NAME_SUFFIX.test(lw)) break;
    kept.push(w);
  }
  // A particle left at the end by the cut is not a name ("de Team" -> nothing); lower-case names keep theirs
  // ("my name is ben").
  if (ANY_UPPER.test(name)) while (kept.length > 0 && PARTICLES.has(kept[kept.length - 1]!)) kept.pop();
  if (kept.length === 0) return 0;
  // Re-measure on the original text (separators may be several spaces).
  let len = 0;
  for (let i = 0, k = 0; k < kept.length; i += 2, k++) len += (i > 0 ? parts[i - 1]!.length : 0) + parts[i]!.length;
  return len;
}

/** The name that starts at `pos`: capitalised, or in a script without case, or (allowLower) lower-case. */
function nameAt(text: string, pos: number, allowLower: boolean): string | null {
  const c = text.charCodeAt(pos);
  // Most triggers are followed by a lower-case word ("hi there", "thanks for"): settle ASCII lower case
  // without running the name regexes, unless a particle may start a surname ("de Jong", "van Dijk", "d'Ors").
  if (c >= 97 && c <= 122 && !allowLower && !PARTICLE_START.test(text.slice(pos, pos + 7))) return null;
  NAME_CAP_AT.lastIndex = pos;
  const m = NAME_CAP_AT.exec(text);
  if (m !== null) return m[0];
  NAME_UNCASED_AT.lastIndex = pos;
  const u = NAME_UNCASED_AT.exec(text);
  if (u !== null) return u[0];
  if (!allowLower) return null;
  NAME_LOW_AT.lastIndex = pos;
  const l = NAME_LOW_AT.exec(text);
  return l === null ? null : l[0];
}

function sepEnd(re: RegExp, text: string, pos: number): number {
  re.lastIndex = pos;
  const m = re.exec(text);
  return m === null ? pos : pos + m[0].length;
}

function push(out: Finding[], start: number, name: string, strict: boolean, text: string): number {
  let len = keepLength(name, strict || STARTS_LOWER.test(name));
  // "Hi Ivan April 1987": a last word that a number follows is a month or a product ("Windows 11"), not a
  // surname; the date recognizer wins "April 1987" and the name must not depend on that overlap.
  const space = name.lastIndexOf(' ', len - 1);
  if (space > 0 && DIGIT_AFTER_SPACE.test(text.slice(start + len, start + len + 2))) len = keepLength(name.slice(0, space), strict);
  if (len > 0) {
    out.push(finding('PERSON', start, start + len));
    pushSecondRendering(out, text, name.slice(0, len), start + len);
  }
  return len;
}

/**
 * "My name is 山田太郎 (Taro Yamada)", "Name: Ivan Petrov (Иван Петров)": a name in brackets right after a found
 * name is the same person written in another script. Only when the scripts differ in having case (Han/Hangul/
 * Arabic vs Latin/Cyrillic/Greek) or the alphabet differs (Latin vs Cyrillic/Greek): "Anna (Marketing)" and
 * "Dr. Lee (Cardiology)" are a name and a department, both Latin, and stay.
 */
function pushSecondRendering(out: Finding[], text: string, first: string, end: number): void {
  BRACKET_OPEN.lastIndex = end;
  const open = BRACKET_OPEN.exec(text);
  if (open === null) return;
  const pos = end + open[0].length;
  const second = nameAt(text, pos, false);
  if (second === null || scriptOf(first) === scriptOf(second)) return;
  if (!BRACKET_CLOSE.test(text.slice(pos + second.length, pos + second.length + 3))) return;
  const len = keepLength(second, true);
  if (len === second.length) out.push(finding('PERSON', pos, pos + len));
}

/** The script of a name's first letter, coarsely: Latin, Cyrillic, Greek, or 'other' (uncased scripts). */
function scriptOf(name: string): string {
  const c = name.codePointAt(0) ?? 0;
  if (c < 0x0250 || (c >= 0x1e00 && c < 0x1f00)) return 'latin';
  if (c >= 0x0370 && c < 0x0400) return 'greek';
  if (c >= 0x0400 && c < 0x0530) return 'cyrillic';
  return `other-${c >> 8}`;
}

/** A group noun right after the name ("Flywheel team") or as its hyphen tail ("Flywheel-Team"). */
function groupFollows(text: string, name: string, end: number): boolean {
  const tail = HYPHEN_TAIL.exec(name);
  if (tail !== null && GROUP_NOUNS.has(tail[1]!.toLowerCase())) return true;
  NEXT_WORD.lastIndex = end;
  const next = NEXT_WORD.exec(text);
  return next !== null && GROUP_NOUNS.has(next[1]!.toLowerCase());
}

function findTriggers(text: string, out: Finding[]): void {
  TRIGGER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TRIGGER.exec(text)) !== null) {
    const end = m.index + m[0].length;
    const kind = KIND_OF.get(m[0].toLowerCase().replace(CURLY_APOSTROPHE, "'").replace(ANY_SPACE, ' ')) ?? Kind.Salutation;
    let pos: number;
    switch (kind) {
      case Kind.Strong:
      case Kind.Weak:
      case Kind.ThisIs:
        pos = sepEnd(SEP_INTRO, text, end);
        break;
      case Kind.Salutation:
        pos = sepEnd(SEP_SALUTATION, text, end);
        break;
      case Kind.SignOff:
        pos = sepEnd(SEP_SIGN_OFF, text, sepEnd(SIGN_OFF_TAIL, text, end));
        // Sign-offs need a comma or a line break: "Best Buy", "I love Paris", "Yours Truly" (a band).
        if (!SIGN_OFF_PUNCT.test(text.slice(end, pos))) continue;
        break;
      default:
        pos = sepEnd(SEP_THANKS, text, sepEnd(SIGN_OFF_TAIL, text, end));
    }
    if (pos === end) continue;
    if ((kind === Kind.SignOff || kind === Kind.Thanks) && text.slice(end, pos).includes('\n')) {
      pos = sepEnd(SIGNATURE_DASH, text, pos);
    }
    if (kind === Kind.Weak && m[0].length > 5 && WEAK_NAME_PHRASE.test(m[0])) {
      // "the file name's Config", "the product name is Flywheel": a thing word before "name" names a thing.
      const prev = PREV_WORD.exec(before(text, m.index, 24));
      if (prev !== null && THING_QUALIFIERS.has(prev[1]!.toLowerCase())) continue;
    }
    const name = nameAt(text, pos, kind === Kind.Strong);
    if (name === null) continue;
    if (kind === Kind.SignOff || kind === Kind.Thanks) {
      const sep = text.slice(end, pos);
      if (sep.includes('\n')) {
        // A name on its own line under a sign-off is a signature: the line ends after it (or a role follows
        // after a comma, bar or dash). "Thanks!\nAnother question:" is a new paragraph, not a name.
        if (!LINE_END_AFTER_NAME.test(text.slice(pos + name.length, pos + name.length + 8))) continue;
      } else if (SENTENCE_PUNCT.test(sep)) {
        continue; // "Thanks. Is there ...": a new sentence starts, not a name.
      }
    }
    if (kind === Kind.ThisIs) {
      const follow = text.slice(pos + name.length, pos + name.length + 40);
      if (!THIS_IS_FOLLOW.test(follow) && !GREETING_BEFORE.test(before(text, m.index, 24))) continue;
    }
    // "Hello Flywheel team", "Thanks Acme support!": a company or product addressed as a group.
    const cut = keepLength(name, kind === Kind.Weak || kind === Kind.ThisIs || STARTS_LOWER.test(name));
    // Not after an introduction: "my name is Anna all right?" keeps Anna.
    if (cut > 0 && kind !== Kind.Strong && kind !== Kind.Weak && groupFollows(text, name.slice(0, cut), pos + cut)) {
      TRIGGER.lastIndex = Math.max(TRIGGER.lastIndex, pos + cut);
      continue;
    }
    let kept = push(out, pos, name, kind === Kind.Weak || kind === Kind.ThisIs, text);
    if (kept > 0 && kind === Kind.Salutation) {
      // "Hi John and Mary", "Dear Anna & Tom", "Hallo Jonas und Lea": the second addressee too.
      const at = sepEnd(AND_NEXT, text, pos + kept);
      if (at > pos + kept) {
        const second = nameAt(text, at, false);
        if (second !== null && push(out, at, second, true, text) > 0) kept = at - pos + second.length;
      }
    }
    // Continue after the name ("Hi Anna, hi Ben" finds both); a refused word may itself be a trigger ("Hi, I'm").
    if (kept > 0) TRIGGER.lastIndex = Math.max(TRIGGER.lastIndex, pos + kept);
  }
}

function findTitles(text: string, out: Finding[]): void {
  TITLE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TITLE.exec(text)) !== null) {
    const pos = m.index + m[0].length;
    NAME_CAP_AT.lastIndex = pos;
    const n = NAME_CAP_AT.exec(text);
    if (n === null) continue;
    const first = n[0].split(ONE_SPACE)[0]!.toLowerCase();
    if (TITLE_STOP.has(first)) continue;
    // "M." alone is also an initial or a size ("Size M. Blue"): require the name not to be a common word.
    const kept = push(out, pos, n[0], m[1] === 'M', text);
    // Resume after what was kept: "Mr. J. Dr April" keeps "J." and the title scan then finds "Dr April".
    if (kept > 0) TITLE.lastIndex = pos + kept;
  }
}

function isPersonKey(key: string): boolean {
  const words = key.trim().split(KEY_SPACES);
  const last = words[words.length - 1]!;
  const norm = last.toLowerCase().replace(KEY_JOINERS, '');
  const prev = words.length > 1 ? words[words.length - 2]!.toLowerCase() : '';
  if (PERSON_KEYS.has(norm)) {
    if (norm === 'name' && THING_QUALIFIERS.has(prev)) return false;
    return true;
  }
  return PERSON_KEYS.has(prev + norm);
}

function findFields(text: string, out: Finding[]): void {
  FIELD_KEYWORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = FIELD_KEYWORD.exec(text)) !== null) {
    const keywordEnd = m.index + m[0].length - m[0].replace(LEADING_WORD, '').length;
    const key = keyBefore(text, keywordEnd);
    if (!isPersonKey(key)) continue;
    // "Customer name - Ana Lima": a dash separates a value only after a key that is a name word.
    if (m[1] !== undefined && !NAME_WORD_KEYS.has(LEADING_WORD.exec(m[0])![0].toLowerCase())) continue;
    // A key glued to a placeholder ("[PERSON]Name:") was glued to a word on the first run: not a key then.
    if (text[keywordEnd - key.length - 1] === ']') continue;
    const pos = m.index + m[0].length;
    const n = nameAt(text, pos, false);
    if (n === null) continue;
    const valueQuoted = m[2] !== '';
    const bareName = key.toLowerCase().trim() === 'name';
    // A quoted value of a bare `name` key names a thing as often as a person: two words needed.
    if (valueQuoted && bareName && !ONE_SPACE.test(n) && ANY_UPPER.test(n)) continue;
    push(out, pos, n, true, text);
  }
}

function findUncased(text: string, out: Finding[]): void {
  UNCASED_INTRO.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = UNCASED_INTRO.exec(text)) !== null) {
    const pos = m.index + m[0].length;
    let name = nameAt(text, pos, false);
    if (name === null) continue;
    // Arabic "اسمي أحمد وأنا ...": a second word starting with و ("and") is not part of the name.
    name = name.replace(ARABIC_AND_WORD, '');
    // Hindi "मेरा नाम राहुल है": the copula is not part of the name.
    name = name.replace(HINDI_COPULA, '');
    push(out, pos, name, false, text);
  }
  JA_MOUSHIMASU.lastIndex = 0;
  while ((m = JA_MOUSHIMASU.exec(text)) !== null) push(out, m.index, m[1]!, false, text);
}

export const personNameRecognizer: Recognizer = {
  name: 'person-name',
  type: 'PERSON',
  patterns: [
    NAME_CAP_AT,
    NAME_UNCASED_AT,
    NAME_LOW_AT,
    PARTICLE_START,
    TRIGGER,
    SEP_INTRO,
    SEP_SALUTATION,
    SEP_SIGN_OFF,
    SEP_THANKS,
    SIGN_OFF_TAIL,
    SIGNATURE_DASH,
    NEXT_WORD,
    HYPHEN_TAIL,
    BRACKET_OPEN,
    BRACKET_CLOSE,
    WEAK_NAME_PHRASE,
    PREV_WORD,
    AND_NEXT,
    THIS_IS_FOLLOW,
    GREETING_BEFORE,
    TITLE,
    FIELD_KEYWORD,
    KEY_CHAR,
    UNCASED_INTRO,
    JA_MOUSHIMASU,
    M_WORD_REST,
    HE_WORD,
    NON_NAME_SUFFIX,
    RE_SPECIAL,
    KEY_LEAD_SEP,
    WHITESPACE,
    SPACES_KEPT,
    POSSESSIVE,
    ANY_UPPER,
    STARTS_LOWER,
    CURLY_APOSTROPHE,
    ANY_SPACE,
    SIGN_OFF_PUNCT,
    SENTENCE_PUNCT,
    ONE_SPACE,
    KEY_SPACES,
    KEY_JOINERS,
    LEADING_WORD,
    ARABIC_AND_WORD,
    HINDI_COPULA,
    LINE_END_AFTER_NAME,
    DIGIT_AFTER_SPACE,
  ],
  gate(text: string): boolean {
    return upperOrNonAscii(text) || lowerCaseIntroduction(text);
  },
  find(text: string, out: Finding[]): void {
    // The four scans can find the same name ("Dear Mr. Smith": salutation and title): keep one finding per
    // span, the pipeline only needs each recognizer's own findings not to overlap.
    const mine: Finding[] = [];
    findTriggers(text, mine);
    findTitles(text, mine);
    findFields(text, mine);
    findUncased(text, mine);
    if (mine.length === 0) return;
    mine.sort((a, b) => a.start - b.start || b.end - a.end);
    let lastEnd = -1;
    for (const f of mine) {
      if (f.start < lastEnd) continue;
      out.push(f);
      lastEnd = f.end;
    }
  },
};
