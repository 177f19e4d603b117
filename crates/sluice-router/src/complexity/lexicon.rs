//! Small keyword tables for the complexity features: each lower-case ASCII word maps to a set of
//! class bits (a word may be in several classes, e.g. "solve" is both a hard task verb and maths).
//!
//! The words describe tasks in general terms — what is being asked (classify vs. prove), which
//! domain (code, maths) and how the request is shaped (constraints, steps) — and deliberately no
//! wording of any particular benchmark template. Inflections are listed explicitly; a trailing
//! plural `s` is also tried, so nouns need only their singular form.
//!
//! Words are handled as [`Key`]s: up to [`MAX_WORD`] lower-case bytes packed into a `u128`, which
//! the scanner builds as it reads, so a lookup is one multiply-shift hash and usually one integer
//! comparison in an open-addressing table built once (a `LazyLock`). No allocation per request.

use std::sync::LazyLock;

/// Closed-form or transform tasks a small model handles: label, extract, summarise, translate,
/// reformat, answer from given text.
pub const SIMPLE: u32 = 1 << 0;
/// Tasks that need expertise or search: prove, design, debug, optimise, analyse, plan.
pub const HARD: u32 = 1 << 1;
/// Open-ended production of a new artefact: write, create, implement, build.
pub const CREATE: u32 = 1 << 2;
/// Programming vocabulary.
pub const CODE: u32 = 1 << 3;
/// Mathematical vocabulary.
pub const MATH: u32 = 1 << 4;
/// Formal reasoning: proofs, derivations, rigorous argument.
pub const PROOF: u32 = 1 << 5;
/// Words that add a requirement the answer must satisfy.
pub const CONSTRAINT: u32 = 1 << 6;
/// Sequencing words of multi-step instructions.
pub const STEP: u32 = 1 << 7;
/// Failure reports: errors, exceptions, stack traces.
pub const ERROR: u32 = 1 << 8;
/// Keywords that typically start a line of source code.
pub const CODE_KEYWORD: u32 = 1 << 9;
/// Question words that ask for a fact: who, what, which, when, where.
pub const FACTOID: u32 = 1 << 10;
/// Words that ask for an explanation or a procedure: how, why, explain.
pub const EXPLAIN: u32 = 1 << 11;
/// Specialist vocabulary of professions that need expertise (medicine, law, finance, science,
/// engineering): the request is about a domain, not about a text.
pub const DOMAIN: u32 = 1 << 12;
/// Legal doctrine and procedure. Questions that apply law to a set of facts are a classic case
/// where a small model picks the plausible-sounding answer instead of the rule that decides it.
pub const LAW: u32 = 1 << 13;
/// Formal logic and argument analysis: validity, premises, fallacies, entailment.
pub const LOGIC: u32 = 1 << 14;
/// Words that point at material supplied with the request (a passage, a dialogue, a review):
/// the answer is in the text, which is the kind of reading task small models do well.
pub const GIVEN: u32 = 1 << 15;
/// Nouns that label a claim to be judged ("Statement 1 | …"); a class so the scanner finds them
/// with the lookup it already does instead of comparing every word against them.
pub const CLAIM: u32 = 1 << 16;

const SIMPLE_WORDS: &[&str] = &[
    "classify", "classifies", "classified", "classifying", "classification", "categorize", "categorise",
    "categorized", "categorised", "categorizing", "categorising", "category", "categories", "label", "labeled",
    "labelled", "tag", "tagged", "extract", "extracted", "extracting", "extraction", "summarize", "summarise",
    "summarized", "summarised", "summarizing", "summarising", "summary", "summaries", "summarization",
    "summarisation", "tldr", "translate", "translated", "translating", "translation", "paraphrase", "paraphrased",
    "rephrase", "reword", "rewrite", "format", "formatted", "formatting", "reformat", "convert", "spell", "spelling",
    "grammar", "proofread", "sentiment", "headline", "title", "keyword", "identify", "pick", "choose", "select",
    "topic",
];

const HARD_WORDS: &[&str] = &[
    "prove", "proves", "proved", "proving", "proof", "derive", "derived", "deriving", "derivation", "design",
    "designed", "designing", "architect", "architecture", "debug", "debugging", "debugged", "optimize", "optimise",
    "optimized", "optimised", "optimizing", "optimising", "optimization", "optimisation", "optimal", "optimum",
    "refactor", "refactoring", "analyze", "analyse", "analyzed", "analysed", "analyzing", "analysing", "analysis",
    "evaluate", "evaluating", "assess", "critique", "plan", "planning", "strategy", "solve", "solving", "solution",
    "algorithm", "simulate", "simulation", "benchmark", "estimate", "tradeoff", "scalable", "scalability",
    "efficient", "efficiently", "complexity", "troubleshoot", "diagnose", "investigate", "justify", "specification",
    "requirement", "requirements", "experienced", "senior", "specialist", "consultant", "detailed", "comprehensive",
    "advanced", "expert", "improve", "fix",
];

const CREATE_WORDS: &[&str] = &[
    "write", "writing", "create", "creating", "generate", "generating", "implement", "implementing", "implementation",
    "build", "building", "develop", "developing", "make", "compose", "draft", "construct", "program", "script", "app",
    "bot",
];

const CODE_WORDS: &[&str] = &[
    "code", "coding", "function", "method", "class", "python", "javascript", "typescript", "java", "rust", "golang",
    "cpp", "kotlin", "swift", "php", "ruby", "perl", "bash", "shell", "powershell", "sql", "html", "css", "json",
    "yaml", "xml", "api", "regex", "compile", "compiler", "compiled", "runtime", "variable", "array", "dict",
    "dictionary", "string", "integer", "int", "struct", "enum", "pointer", "thread", "async", "await", "library",
    "module", "import", "query", "database", "server", "endpoint", "docker", "kubernetes", "linux", "git", "npm",
    "pip", "cli", "terminal", "repository", "deploy", "deployment", "backend", "frontend", "react", "django", "flask",
    "pandas", "numpy", "pytorch", "tensorflow", "vba", "excel", "macro", "lua", "luau", "unity", "shader", "gpu",
    "cuda", "kernel", "recursion", "recursive", "loop", "iterate", "iterator", "parse", "parser", "syntax",
    "debugger", "stack", "heap", "cache", "latency", "http", "https", "url", "tcp", "udp", "socket", "protocol",
    "config", "configuration", "dataframe", "csv", "matplotlib", "nodejs", "framework", "sdk", "oop", "lambda",
    "callback", "exception", "byte", "binary", "hash", "encryption", "authentication", "nginx", "webpack", "vue",
    "angular", "svelte", "graphql", "postgres", "postgresql", "mysql", "mongodb", "redis", "aws", "azure", "gcp",
    "terraform", "ansible", "jenkins", "pipeline",
];

const MATH_WORDS: &[&str] = &[
    "equation", "integral", "derivative", "matrix", "matrices", "vector", "probability", "probabilities", "theorem",
    "lemma", "prime", "polynomial", "eigenvalue", "eigenvector", "calculate", "calculating", "calculation", "compute",
    "computing", "formula", "variance", "deviation", "expectation", "converge", "convergence", "sum", "modulo",
    "factorial", "logarithm", "exponent", "exponential", "function", "solve", "inequality", "geometry", "triangle",
    "radius", "angle", "algebra", "calculus", "statistic", "statistics", "statistical", "regression", "distribution",
    "permutation", "combination", "integer", "integers", "rational", "irrational", "divisible", "divisor", "digit",
    "optimization", "infinite", "infinity", "finite", "subgroup", "isomorphic", "homomorphism", "gradient",
    "differential", "dimension", "coefficient", "quadratic", "linear", "nonlinear", "median", "ratio", "velocity",
    "acceleration",
];

const PROOF_WORDS: &[&str] = &[
    "prove", "proves", "proved", "proving", "proof", "proofs", "derive", "derivation", "theorem", "lemma",
    "corollary", "induction", "rigorous", "rigorously", "contradiction", "qed", "iff", "axiom",
];

const CONSTRAINT_WORDS: &[&str] = &[
    "must", "should", "ensure", "exactly", "without", "never", "avoid", "require", "required", "requires",
    "requirement", "constraint", "strictly", "mandatory", "maximum", "minimum", "cannot",
];

const STEP_WORDS: &[&str] = &[
    "firstly", "secondly", "thirdly", "lastly", "finally", "afterwards", "step", "stage", "phase",
];

const ERROR_WORDS: &[&str] = &[
    "error", "exception", "traceback", "stacktrace", "panicked", "segfault", "errno", "undefined", "null", "bug",
    "stderr",
];

const CODE_KEYWORD_WORDS: &[&str] = &[
    "def", "fn", "let", "const", "var", "import", "from", "return", "class", "public", "private", "protected",
    "static", "void", "function", "if", "for", "while", "else", "elif", "try", "catch", "except", "include", "using",
    "namespace", "select", "insert", "update", "create", "package", "func", "struct", "impl", "pub", "async", "await",
    "echo", "print", "printf", "console", "self", "this", "new", "end", "local", "sub", "dim", "set",
];

const FACTOID_WORDS: &[&str] = &[
    "what", "which", "who", "whom", "whose", "when", "where",
];

const EXPLAIN_WORDS: &[&str] = &[
    "how", "why", "explain", "explains", "explained", "explaining", "explanation", "elaborate", "justify",
    "rationale", "reasoning", "tradeoff", "pros", "cons", "recommend", "recommendation", "advice", "advise",
    "suggest", "suggestion", "ideas",
];

const DOMAIN_WORDS: &[&str] = &[
    "diagnosis", "diagnostic", "differential", "clinical", "clinic", "symptom", "symptoms", "dosage", "medication",
    "syndrome", "chronic", "acute", "pathology", "physiology", "pharmacology", "prognosis", "therapy",
    "contraindication", "vitals", "biopsy", "legal", "legislation", "regulation", "regulatory", "compliance",
    "liability", "contract", "clause", "statute", "jurisdiction", "litigation", "plaintiff", "defendant", "tort",
    "gdpr", "directive", "tax", "taxation", "taxable", "deduction", "audit", "accounting", "investment", "portfolio",
    "valuation", "equity", "hedge", "derivative", "derivatives", "annuity", "amortization", "depreciation",
    "dividend", "revenue", "margin", "forecast", "forecasting", "pricing", "arbitrage", "liquidity", "volatility",
    "quantum", "molecule", "molecular", "thermodynamics", "entropy", "enzyme", "protein", "genome", "genetic",
    "neural", "neuron", "photon", "wavelength", "spectroscopy", "catalyst", "reaction", "kinetics", "relativity",
    "particle", "electron", "semiconductor", "voltage", "circuit", "engineering", "mechanical", "structural",
    "simulation", "finite", "tolerance", "throughput", "architecture", "infrastructure", "scalability",
    "microservice", "microservices", "distributed", "concurrency", "consensus", "cryptography", "encryption",
    "cybersecurity", "vulnerability", "exploit", "threat", "dataset", "training", "inference", "transformer",
    "embedding", "embeddings", "llm", "gpt", "classifier", "hyperparameter", "methodology", "hypothesis", "empirical",
    "econometric", "regression", "statistical", "research", "framework", "strategy", "stakeholder", "stakeholders",
    "roadmap", "kpi", "kpis", "governance", "procurement", "supply", "curriculum", "pedagogy", "syllabus",
];

const LAW_WORDS: &[&str] = &[
    "court", "courts", "judge", "jury", "juror", "verdict", "trial", "appeal", "appellate", "plaintiff", "defendant",
    "prosecution", "prosecutor", "prosecuted", "indictment", "indicted", "convicted", "conviction", "acquitted",
    "felony", "misdemeanor", "burglary", "larceny", "robbery", "embezzlement", "homicide", "murder", "manslaughter",
    "negligence", "negligent", "tort", "statute", "statutory", "ordinance", "constitution", "constitutional",
    "amendment", "unconstitutional", "testimony", "witness", "hearsay", "admissible", "inadmissible", "evidence",
    "objection", "contract", "contracts", "breach", "damages", "liable", "liability", "injunction", "remedy",
    "easement", "covenant", "deed", "mortgage", "mortgagee", "mortgagor", "lease", "tenant", "landlord", "lessee",
    "lessor", "conveyance", "conveyed", "grantor", "grantee", "estate", "trustee", "probate", "devise", "bequest",
    "jurisdiction", "precedent", "doctrine", "lawsuit", "sued", "suing", "litigation", "counterclaim", "attorney",
    "lawyer", "counsel", "culpable", "mens", "rea", "warrant", "seizure", "arrest", "arrested",
    "custody", "miranda", "felon", "accomplice", "conspiracy", "solicitation", "entrapment", "duress", "rescission",
    "promissory", "estoppel", "offeror", "offeree", "bailment", "nuisance", "trespass", "trespasser",
    "possession", "legislature", "legislative", "congress", "enacted", "treaty", "sovereign",
];

const LOGIC_WORDS: &[&str] = &[
    "premise", "premises", "conclusion", "valid", "invalid", "validity", "soundness", "syllogism",
    "fallacy", "fallacies", "entail", "entails", "entailment", "implies", "implication", "proposition",
    "propositional", "predicate", "tautology", "tautologous", "contradictory", "contingent", "antecedent",
    "consequent", "counterexample", "quantifier", "negation", "conjunction", "disjunction", "biconditional",
    "symbolization", "symbolize", "inference", "deductive", "inductive",
];

const GIVEN_WORDS: &[&str] = &[
    "passage", "article", "paragraph", "excerpt", "context", "dialogue", "dialog", "conversation", "story", "review",
    "text", "transcript",
];

const CLAIM_WORDS: &[&str] = &["statement", "scenario", "claim", "premise", "assertion", "proposition"];

/// Longest word the table can hold; longer words are in no class.
pub const MAX_WORD: usize = 16;

/// A word of at most [`MAX_WORD`] bytes, packed little-endian into an integer (0 = no word).
pub type Key = u128;

/// The key of an ASCII word, lower-cased, or `None` if it is too long to be in the table.
pub fn key(word: &[u8]) -> Option<Key> {
    (word.len() <= MAX_WORD).then(|| word.iter().rev().fold(0, |k, b| (k << 8) | Key::from(b.to_ascii_lowercase())))
}

const SLOTS: usize = 2048;

/// Open addressing with linear probing; a slot with key 0 is empty.
struct Table {
    slots: Vec<(Key, u32)>,
}

impl Table {
    fn slot(key: Key) -> usize {
        let mixed = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> (64 - SLOTS.trailing_zeros())) as usize
    }

    fn insert(&mut self, key: Key, bits: u32) {
        let mut i = Table::slot(key);
        loop {
            let slot = &mut self.slots[i];
            if slot.0 == 0 || slot.0 == key {
                *slot = (key, slot.1 | bits);
                return;
            }
            i = (i + 1) % SLOTS;
        }
    }

    fn get(&self, key: Key) -> u32 {
        let mut i = Table::slot(key);
        loop {
            let (k, bits) = self.slots[i];
            if k == key {
                return bits;
            }
            if k == 0 {
                return 0;
            }
            i = (i + 1) % SLOTS;
        }
    }
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let groups: [(&[&str], u32); 17] = [
        (SIMPLE_WORDS, SIMPLE),
        (HARD_WORDS, HARD),
        (CREATE_WORDS, CREATE),
        (CODE_WORDS, CODE),
        (MATH_WORDS, MATH),
        (PROOF_WORDS, PROOF),
        (CONSTRAINT_WORDS, CONSTRAINT),
        (STEP_WORDS, STEP),
        (ERROR_WORDS, ERROR),
        (CODE_KEYWORD_WORDS, CODE_KEYWORD),
        (FACTOID_WORDS, FACTOID),
        (EXPLAIN_WORDS, EXPLAIN),
        (DOMAIN_WORDS, DOMAIN),
        (LAW_WORDS, LAW),
        (LOGIC_WORDS, LOGIC),
        (GIVEN_WORDS, GIVEN),
        (CLAIM_WORDS, CLAIM),
    ];
    let mut table = Table { slots: vec![(0, 0); SLOTS] };
    for (words, bits) in groups {
        // A word too long for a key would never match; the unit test keeps the lists short enough.
        for key in words.iter().filter_map(|w| key(w.as_bytes())) {
            table.insert(key, bits);
        }
    }
    table
});

/// Class bits of a packed lower-case word of `len` bytes (0 when it is in no class). A miss
/// ending in `s` is retried without it, so plural nouns match their singular.
pub fn classes(key: Key, len: usize) -> u32 {
    if key == 0 || len > MAX_WORD {
        return 0;
    }
    let table = &*TABLE;
    match table.get(key) {
        0 if len > 3 && (key >> (8 * (len - 1))) as u8 == b's' => table.get(key & !(0xFF << (8 * (len - 1)))),
        bits => bits,
    }
}

/// Forces the table to be built (so the first request does not pay for it).
pub fn warm_up() {
    LazyLock::force(&TABLE);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(word: &str) -> u32 {
        classes(key(word.as_bytes()).unwrap(), word.len())
    }

    #[test]
    fn words_merge_their_classes_and_plurals_fall_back_to_the_singular() {
        assert_eq!(of("solve"), HARD | MATH);
        assert_eq!(of("equations"), MATH);
        assert_eq!(of("vectors"), MATH);
        assert_eq!(of("classify"), SIMPLE);
        assert_eq!(of("hello"), 0);
        assert_eq!(of("s"), 0);
        assert_eq!(of("contraindication"), DOMAIN, "16 bytes, the longest a key holds");
        assert_eq!(key(b"contraindications"), None);
    }

    #[test]
    fn every_listed_word_fits_a_key_and_is_found() {
        let lists = [SIMPLE_WORDS, HARD_WORDS, CREATE_WORDS, CODE_WORDS, MATH_WORDS, PROOF_WORDS, CONSTRAINT_WORDS];
        let more = [STEP_WORDS, ERROR_WORDS, CODE_KEYWORD_WORDS, FACTOID_WORDS, EXPLAIN_WORDS, DOMAIN_WORDS, LAW_WORDS];
        let added = [LOGIC_WORDS, GIVEN_WORDS, CLAIM_WORDS];
        for word in lists.iter().chain(&more).chain(&added).flat_map(|l| l.iter()) {
            assert!(word.len() <= MAX_WORD && word.bytes().all(|b| b.is_ascii_lowercase()), "{word}");
            assert_ne!(of(word), 0, "{word}");
        }
        let used = TABLE.slots.iter().filter(|s| s.0 != 0).count();
        assert!(used * 2 <= SLOTS, "{used} words: keep the table at most half full");
    }
}
