/**
 * Dev set for the PERSON recognizer and the NLP trial (bench/person-nlp.bench.ts): sentences as users write
 * them to a support bot, each name marked ⟦like this⟧. Written for this purpose; the team corpus
 * (test/redaction-corpus) is separate and written independently.
 *
 * Three groups: names after a trigger (what the recognizer is built for), names WITHOUT any trigger (the only
 * place an NLP pass could add recall), and sentences without any name that resemble the triggers (precision).
 */
export const WITH_TRIGGER: readonly string[] = [
  // English self-introductions
  'Hi, my name is ⟦Anna Kowalski⟧ and I live in Leeds.',
  'My name is ⟦José Álvarez⟧, I need help with my invoice.',
  "my name's ⟦Tom⟧ and my account is locked",
  'my name is ⟦john smith⟧ and i cannot log in',
  "I'm ⟦Priya⟧, the new admin on our account.",
  'I am ⟦Zoë Ŝtefan⟧ from the Prague office.',
  'Call me ⟦Ishmael⟧.',
  'you can call me ⟦Bea⟧ if you like',
  'Hello, this is ⟦Sean O\'Connor⟧ from Acme support.',
  'This is ⟦Mark⟧ here, following up on ticket 4411.',
  "It's ⟦Rachel⟧ from accounting — can you resend the report?",
  'My full name is ⟦Anne-Marie Lefèvre-Dupont⟧.',
  'My name is ⟦Pieter van der Berg⟧ and I am a customer since 2019.',
  'My name is ⟦Maria de la Cruz⟧.',
  "I'm ⟦Gabriele D'Angelo⟧, the account owner.",
  'My name is ⟦J. R. Smith⟧ and my order never arrived.',
  'I am ⟦Ahmed al-Rashid⟧, writing about my refund.',
  'My name is ⟦Ronan MacArthur⟧.',
  'My name is ⟦Ibrahim bin Rashid⟧.',
  "Hi! I'm ⟦Lena⟧ and I have a question about the API.",
  // other languages
  "Bonjour, je m'appelle ⟦Camille Dubois⟧ et j'ai un problème.",
  "Je m'appelle ⟦François⟧.",
  'Hallo, ich heiße ⟦Jürgen Müller⟧ und habe eine Frage.',
  'Mein Name ist ⟦Sabine Schröder⟧.',
  'Hola, me llamo ⟦Lucía Fernández⟧.',
  'Mi nombre es ⟦Carlos Ruiz⟧ y tengo un problema.',
  'Ciao, mi chiamo ⟦Giulia Rossi⟧.',
  'Il mio nome è ⟦Marco Bianchi⟧.',
  'Hoi, mijn naam is ⟦Sanne de Vries⟧.',
  'Ik heet ⟦Joris⟧ en ik heb een vraag.',
  'Olá, meu nome é ⟦João Silva⟧.',
  'Меня зовут ⟦Иван Петров⟧.',
  'Здравствуйте, меня зовут ⟦Ольга⟧.',
  'Με λένε ⟦Γιώργος Παπαδόπουλος⟧.',
  'Το όνομά μου είναι ⟦Νίκος⟧.',
  '我的名字是⟦王伟⟧。',
  '你好，我叫⟦李娜⟧，我的订单有问题。',
  '私の名前は⟦タナカ⟧です。',
  '⟦山田⟧と申します。',
  '제 이름은 ⟦김민수⟧입니다.',
  'اسمي ⟦أحمد⟧ وأنا بحاجة إلى مساعدة',
  'मेरा नाम ⟦राहुल⟧ है',
  // salutations
  'Hi ⟦Sarah⟧, the export is still failing.',
  'Hello ⟦Dmitri⟧,\nplease find the logs attached.',
  'Dear Ms. ⟦Patel⟧, thank you for your patience.',
  'Dear ⟦Jonathan⟧,\n\nI am writing about my subscription.',
  'Hey ⟦Kenji⟧, quick question.',
  'Liebe ⟦Katrin⟧, danke für die schnelle Antwort.',
  'Bonjour ⟦Étienne⟧, merci pour votre aide.',
  'Hola ⟦Pedro⟧, ¿cómo estás?',
  'Ciao ⟦Francesca⟧, grazie mille.',
  'Beste ⟦Willem⟧, bedankt voor uw hulp.',
  'Chère ⟦Hélène⟧, voici le fichier.',
  'Estimado ⟦Andrés⟧: le escribo por mi pedido.',
  // sign-offs
  'Thanks, ⟦Olivia⟧',
  'The import works now. Thanks ⟦Raj⟧!',
  'Please advise.\n\nRegards,\n⟦Michael Chen⟧',
  'Let me know.\nBest,\n⟦Emma⟧',
  'Cheers, ⟦Liam O\'Brien⟧',
  'Sincerely,\n⟦Margaret Thompson⟧\nHead of Finance',
  'Kind regards,\n⟦Hannah Weber⟧',
  'Mit freundlichen Grüßen\n⟦Thomas Becker⟧',
  'Cordialement,\n⟦Sophie Martin⟧',
  'Saludos,\n⟦Javier Gómez⟧',
  'Cordiali saluti,\n⟦Luca Ferrari⟧',
  'Met vriendelijke groet,\n⟦Jan Jansen⟧',
  'С уважением,\n⟦Алексей Смирнов⟧',
  // titles
  'I spoke to Mr. ⟦Henderson⟧ yesterday about the contract.',
  'Dr ⟦Amelia Watson⟧ signed the referral.',
  'Please forward this to Prof. ⟦Nakamura⟧.',
  'Sehr geehrter Herr ⟦Schmidt⟧, vielen Dank.',
  'Sehr geehrte Frau Dr. ⟦Wagner⟧,',
  'Mme ⟦Lefebvre⟧ a appelé ce matin.',
  'M. ⟦Dubois⟧ attend votre réponse.',
  'La Sra. ⟦Martínez⟧ no recibió el paquete.',
  'Il Sig. ⟦Romano⟧ ha chiamato.',
  'Dhr. ⟦Bakker⟧ heeft gebeld.',
  'Mevr. ⟦Visser⟧ wacht op antwoord.',
  'Ask Mrs ⟦O\'Neill⟧ about the key.',
  // fields
  'Name: ⟦Robert Brown⟧\nEmail: redacted',
  'full name = ⟦Chloé Bernard⟧',
  '{"customer_name": "⟦Ana Lima⟧", "plan": "pro"}',
  'First name: ⟦Kevin⟧',
  'Nom : ⟦Moreau⟧',
  'Prénom: ⟦Léa⟧',
  'Nombre: ⟦Sofía⟧',
  'Vorname: ⟦Lukas⟧, Nachname: ⟦Fischer⟧',
  'Naam: ⟦Daan Smit⟧',
  'customerName=⟦Eva Novak⟧',
  'Cardholder name: ⟦Peter Parkinson⟧',
  '姓名：⟦张伟⟧',
];

/** Names in prose without any trigger: an NLP model might find them, the recognizer does not try. */
export const WITHOUT_TRIGGER: readonly string[] = [
  'Yesterday ⟦John Smith⟧ called about the refund.',
  'Can you check whether ⟦Alice Johnson⟧ still has access?',
  'The ticket was assigned to ⟦David Miller⟧ last week.',
  '⟦Sarah Connor⟧ reported the same bug.',
  'I forwarded it to ⟦Michael⟧ in billing.',
  'Please add ⟦Emily Davis⟧ to the admin group.',
  '⟦Kevin⟧ said the export was fixed.',
  'My manager ⟦Laura Wilson⟧ approved the upgrade.',
  'Our CTO ⟦James Taylor⟧ wants a call.',
  'The invoice should go to ⟦Daniel Moore⟧ instead.',
  '⟦Jessica Brown⟧ and ⟦Chris Green⟧ are on the account.',
  'Is ⟦Mohammed⟧ still the contact for this?',
];

/** No name at all: trigger-like phrasing, products, places, code. */
export const NO_NAME: readonly string[] = [
  "I'm sorry, the export failed again.",
  "I'm Having trouble with the API.",
  'Hi there, the dashboard is empty.',
  'Hi team, any update?',
  'Hi all, quick question about limits.',
  'Dear Sir or Madam, please refund my order.',
  'Dear customer, your ticket was closed.',
  'Thanks, that worked!',
  'Thanks, team',
  "I'm happy with the result.",
  "I'm from Berlin and use the EU region.",
  'I am Groot',
  'This is ChatGPT, a language model.',
  'This is Python 3.12 on Windows.',
  'I watched Mr. Robot last night.',
  'Can I get a Dr. Pepper?',
  'Prof. Layton is a puzzle game.',
  'name: string',
  'name = "config"',
  '{"name": "Flywheel", "version": "1.0.0"}',
  'Product name: Widget Pro',
  'hostname: db-01.internal',
  'file_name = "report.csv"',
  'Hello World!',
  'Hey Siri, set a timer.',
  'I love Paris in the spring.',
  'I bought it at Best Buy.',
  'Thanks. Is there a way to export CSV?',
  'Regards to the whole team.',
  "I'm German and prefer the DE docs.",
  'The new iPhone is great.',
  'Upgrade to GPT-4 for better results.',
  'I am Using the v2 endpoint.',
  'Hello, World',
  'Best practices for retries?',
  'Hi, How do I reset my key?',
  'This is Important: rotate your keys.',
  'Name: String',
  'type User { name: String! }',
  'Dear Valued Customer,',
  "I'm Looking for the pricing page.",
  'Call me Maybe is a song.',
];

export interface Labelled {
  /** The sentence without marks. */
  text: string;
  /** Spans of the marked names. */
  names: Array<{ start: number; end: number }>;
}

/** Strips the ⟦ ⟧ marks and returns the name spans. */
export function label(marked: string): Labelled {
  let text = '';
  const names: Array<{ start: number; end: number }> = [];
  let start = -1;
  for (const ch of marked) {
    if (ch === '⟦') start = text.length;
    else if (ch === '⟧') names.push({ start, end: text.length });
    else text += ch;
  }
  return { text, names };
}

/** The expected redaction: every marked name replaced by [PERSON]. */
export function expectedRedaction(marked: string): string {
  return marked.replace(/⟦[^⟧]*⟧/gu, '[PERSON]');
}
