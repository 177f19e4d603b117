//! Small keyword tables for the complexity features: each lower-case ASCII word maps to a set of
//! class bits (a word may be in several classes, e.g. "solve" is both a hard task verb and maths).
//!
//! The words describe tasks in general terms — what is being asked (classify vs. prove), which
//! domain (code, maths) and how the request is shaped (constraints, steps) — and deliberately no
//! wording of any particular benchmark template. Inflections are listed explicitly; a trailing
//! plural `s` is also tried, so nouns need only their singular form.
//!
//! The table is merged and sorted once (a `LazyLock`), then every lookup is a binary search over
//! a few hundred short strings: no hashing, no allocation per request.

use std::sync::LazyLock;

/// Closed-form or transform tasks a small model handles: label, extract, summarise, translate,
/// reformat, answer from given text.
pub const SIMPLE: u16 = 1 << 0;
/// Tasks that need expertise or search: prove, design, debug, optimise, analyse, plan.
pub const HARD: u16 = 1 << 1;
/// Open-ended production of a new artefact: write, create, implement, build.
pub const CREATE: u16 = 1 << 2;
/// Programming vocabulary.
pub const CODE: u16 = 1 << 3;
/// Mathematical vocabulary.
pub const MATH: u16 = 1 << 4;
/// Formal reasoning: proofs, derivations, rigorous argument.
pub const PROOF: u16 = 1 << 5;
/// Words that add a requirement the answer must satisfy.
pub const CONSTRAINT: u16 = 1 << 6;
/// Sequencing words of multi-step instructions.
pub const STEP: u16 = 1 << 7;
/// Failure reports: errors, exceptions, stack traces.
pub const ERROR: u16 = 1 << 8;
/// Keywords that typically start a line of source code.
pub const CODE_KEYWORD: u16 = 1 << 9;
/// Question words that ask for a fact: who, what, which, when, where.
pub const FACTOID: u16 = 1 << 10;
/// Words that ask for an explanation or a procedure: how, why, explain.
pub const EXPLAIN: u16 = 1 << 11;
/// Specialist vocabulary of professions that need expertise (medicine, law, finance, science,
/// engineering): the request is about a domain, not about a text.
pub const DOMAIN: u16 = 1 << 12;

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
    "requirement", "requirements", "experienced", "senior", "specialist", "consultant", "detailed", "comprehensive", "advanced", "expert", "improve", "fix",
];

const CREATE_WORDS: &[&str] = &[
    "write", "writing", "create", "creating", "generate", "generating", "implement", "implementing",
    "implementation", "build", "building", "develop", "developing", "make", "compose", "draft", "construct",
    "program", "script", "app", "bot",
];

const CODE_WORDS: &[&str] = &[
    "code", "coding", "function", "method", "class", "python", "javascript", "typescript", "java", "rust", "golang",
    "cpp", "kotlin", "swift", "php", "ruby", "perl", "bash", "shell", "powershell", "sql", "html", "css", "json",
    "yaml", "xml", "api", "regex", "compile", "compiler", "compiled", "runtime", "variable", "array", "dict",
    "dictionary", "string", "integer", "int", "struct", "enum", "pointer", "thread", "async", "await", "library",
    "module", "import", "query", "database", "server", "endpoint", "docker", "kubernetes", "linux", "git", "npm",
    "pip", "cli", "terminal", "repository", "deploy", "deployment", "backend", "frontend", "react", "django",
    "flask", "pandas", "numpy", "pytorch", "tensorflow", "vba", "excel", "macro", "lua", "luau", "unity", "shader",
    "gpu", "cuda", "kernel", "recursion", "recursive", "loop", "iterate", "iterator", "parse", "parser", "syntax",
    "debugger", "stack", "heap", "cache", "latency", "http", "https", "url", "tcp", "udp", "socket", "protocol",
    "config", "configuration", "dataframe", "csv", "matplotlib", "nodejs", "framework", "sdk", "oop",
    "lambda", "callback", "exception", "byte", "binary", "hash", "encryption", "authentication", "nginx", "webpack",
    "vue", "angular", "svelte", "graphql", "postgres", "postgresql", "mysql", "mongodb", "redis", "aws", "azure",
    "gcp", "terraform", "ansible", "jenkins", "pipeline",
];

const MATH_WORDS: &[&str] = &[
    "equation", "integral", "derivative", "matrix", "matrices", "vector", "probability", "probabilities", "theorem",
    "lemma", "prime", "polynomial", "eigenvalue", "eigenvector", "calculate", "calculating", "calculation",
    "compute", "computing", "formula", "variance", "deviation", "expectation", "converge", "convergence", "sum",
    "modulo", "factorial", "logarithm", "exponent", "exponential", "function", "solve", "inequality", "geometry",
    "triangle", "radius", "angle", "algebra", "calculus", "statistic", "statistics", "statistical", "regression",
    "distribution", "permutation", "combination", "integer", "integers", "rational", "irrational", "divisible",
    "divisor", "digit", "optimization", "infinite", "infinity", "finite", "subgroup", "isomorphic", "homomorphism",
    "gradient", "differential", "dimension", "coefficient", "quadratic", "linear", "nonlinear", "median", "ratio",
    "velocity", "acceleration",
];

const PROOF_WORDS: &[&str] = &[
    "prove", "proves", "proved", "proving", "proof", "proofs", "derive", "derivation", "theorem", "lemma", "corollary",
    "induction", "rigorous", "rigorously", "contradiction", "qed", "iff", "axiom",
];

const CONSTRAINT_WORDS: &[&str] = &[
    "must", "should", "ensure", "exactly", "without", "never", "avoid", "require", "required", "requires",
    "requirement", "constraint", "strictly", "mandatory", "maximum", "minimum", "cannot",
];

const STEP_WORDS: &[&str] = &[
    "firstly", "secondly", "thirdly", "lastly", "finally", "afterwards", "step", "stage", "phase",
];

const ERROR_WORDS: &[&str] = &[
    "error", "exception", "traceback", "stacktrace", "panicked", "segfault", "errno", "undefined", "null",
    "nullpointerexception", "bug", "stderr",
];

const CODE_KEYWORD_WORDS: &[&str] = &[
    "def", "fn", "let", "const", "var", "import", "from", "return", "class", "public", "private", "protected", "static",
    "void", "function", "if", "for", "while", "else", "elif", "try", "catch", "except", "include", "using", "namespace",
    "select", "insert", "update", "create", "package", "func", "struct", "impl", "pub", "async", "await", "echo",
    "print", "printf", "console", "self", "this", "new", "end", "local", "sub", "dim", "set",
];

const FACTOID_WORDS: &[&str] = &["what", "which", "who", "whom", "whose", "when", "where"];

const EXPLAIN_WORDS: &[&str] = &[
    "how", "why", "explain", "explains", "explained", "explaining", "explanation", "elaborate", "justify", "rationale",
    "reasoning", "tradeoff", "pros", "cons", "recommend", "recommendation", "advice", "advise", "suggest",
    "suggestion", "ideas",
];

const DOMAIN_WORDS: &[&str] = &[
    "diagnosis", "diagnostic", "differential", "clinical", "clinic", "symptom", "symptoms", "dosage",
    "medication", "syndrome", "chronic", "acute", "pathology", "physiology", "pharmacology", "prognosis", "therapy", "contraindication",
    "vitals", "biopsy", "legal", "legislation", "regulation", "regulatory", "compliance", "liability", "contract", "clause",
    "statute", "jurisdiction", "litigation", "plaintiff", "defendant", "tort", "gdpr", "directive", "tax", "taxation",
    "taxable", "deduction", "audit", "accounting", "investment", "portfolio", "valuation", "equity", "hedge", "derivative",
    "derivatives", "annuity", "amortization", "depreciation", "dividend", "revenue", "margin", "forecast", "forecasting", "pricing",
    "arbitrage", "liquidity", "volatility", "quantum", "molecule", "molecular", "thermodynamics", "entropy", "enzyme", "protein",
    "genome", "genetic", "neural", "neuron", "photon", "wavelength", "spectroscopy", "catalyst", "reaction", "kinetics",
    "relativity", "particle", "electron", "semiconductor", "voltage", "circuit", "engineering", "mechanical", "structural", "simulation",
    "finite", "tolerance", "throughput", "architecture", "infrastructure", "scalability", "microservice", "microservices", "distributed", "concurrency",
    "consensus", "cryptography", "encryption", "cybersecurity", "vulnerability", "exploit", "threat", "dataset", "training", "inference",
    "transformer", "embedding", "embeddings", "llm", "gpt", "classifier", "hyperparameter", "methodology", "hypothesis", "empirical",
    "econometric", "regression", "statistical", "research", "framework", "strategy", "stakeholder", "stakeholders", "roadmap", "kpi",
    "kpis", "governance", "procurement", "supply", "curriculum", "pedagogy", "syllabus",
];

/// The merged table: (word, class bits), sorted by word, each word once.
static TABLE: LazyLock<Vec<(&'static str, u16)>> = LazyLock::new(|| {
    let groups: [(&[&str], u16); 13] = [
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
    ];
    let mut table: Vec<(&'static str, u16)> =
        groups.iter().flat_map(|(words, bits)| words.iter().map(move |w| (*w, *bits))).collect();
    table.sort_unstable_by(|a, b| a.0.cmp(b.0));
    table.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            kept.1 |= later.1;
            true
        } else {
            false
        }
    });
    table
});

fn exact(word: &[u8]) -> u16 {
    let table = &*TABLE;
    table.binary_search_by(|(w, _)| w.as_bytes().cmp(word)).map_or(0, |i| table[i].1)
}

/// Class bits of a lower-case ASCII word (0 when it is in no class).
pub fn classes(word: &[u8]) -> u16 {
    match exact(word) {
        0 if word.len() > 3 && word.last() == Some(&b's') => exact(&word[..word.len() - 1]),
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

    #[test]
    fn words_merge_their_classes_and_plurals_fall_back_to_the_singular() {
        assert_eq!(classes(b"solve"), HARD | MATH);
        assert_eq!(classes(b"equations"), MATH);
        assert_eq!(classes(b"vectors"), MATH);
        assert_eq!(classes(b"classify"), SIMPLE);
        assert_eq!(classes(b"hello"), 0);
        assert_eq!(classes(b"s"), 0);
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0), "sorted and unique");
        assert!(TABLE.iter().all(|(w, _)| w.bytes().all(|b| b.is_ascii_lowercase() || b == b'\'')), "lower-case words only");
    }
}
