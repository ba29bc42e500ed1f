//! The library's modules depend on each other one way: no import cycle, and the runtime is the
//! composition root that only the CLI (and `lib.rs`'s re-exports) import.
//!
//! The test reads `crates/stripe-receiver/src` and builds a graph of its modules: one node per
//! top-level module, and one per submodule of `process`, `hooks` and `jobs` (the layers whose
//! parts call each other). An edge `a -> b` is a path in `a` that names an item of `b`: `use`
//! declarations (groups expanded, `self`/`super`/child-module paths resolved) and `crate::…`,
//! `super::…` paths anywhere in code, macro arguments included. Re-exports are followed to the
//! module that defines the item, so `crate::Tx` is an edge to `tx` and `crate::hooks::HookKind`
//! one to `hooks::kind`. Comments and string literals are ignored; `lib.rs` is the crate's
//! facade and no node of its own.
//!
//! Why a test of our own rather than `cargo modules dependencies --acyclic`: that tool is not
//! on CI's machines, and `cargo install cargo-modules` compiles it (and rust-analyzer's crates)
//! from source, minutes of CI's two cores on every clean run; this test reads ~100 files in
//! milliseconds and needs no dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The modules whose submodules are nodes of their own.
const SPLIT: &[&str] = &["process", "hooks", "jobs"];

/// Edges left out of the cycle check. Empty, and to stay so: a cycle is fixed by moving the
/// item, not listed here.
const ALLOWED: &[(&str, &str)] = &[];

/// The only modules that may depend on `runtime`.
const COMPOSERS: &[&str] = &["cli"];

#[test]
fn the_library_has_no_module_cycle() {
    let graph =
        Graph::of_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/stripe-receiver/src"));
    assert!(
        graph.edges.len() > 50,
        "the graph is implausibly small ({} edges): is the parser still reading the sources?",
        graph.edges.len()
    );
    let cycles = graph.cycles(ALLOWED);
    assert!(
        cycles.is_empty(),
        "module cycles in crates/stripe-receiver/src (an edge `a -> b` is where `a` names `b`):\n{}",
        cycles.join("\n")
    );
}

#[test]
fn only_the_cli_imports_the_runtime() {
    let graph =
        Graph::of_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/stripe-receiver/src"));
    let importers: Vec<String> = graph
        .edges
        .iter()
        .filter(|((from, to), _)| to == "runtime" && !COMPOSERS.contains(&from.as_str()))
        .map(|((from, _), at)| format!("{from} ({at})"))
        .collect();
    assert!(
        importers.is_empty(),
        "the runtime is the composition root: it builds and wires the other modules, which \
         get what they need passed in; these import it: {importers:?}"
    );
}

/// The checker itself finds a cycle, through a `use` group, a `super::` path, a re-export and a
/// path inside a macro's arguments, and ignores comments and strings.
#[test]
fn the_checker_finds_a_planted_cycle() {
    let files = [
        ("lib.rs", "mod a; mod b; mod process; pub use b::Thing;"),
        ("a.rs", "use crate::{process::{self, Incoming}, x};\n// crate::b::X\nfn f() { let _ = \"crate::b::Y\"; }"),
        ("b.rs", "pub struct Thing;"),
        ("process/mod.rs", "mod run; pub use run::Incoming; pub(crate) use run::go;"),
        ("process/run.rs", "pub struct Incoming; fn g() { tracing::info!(\"{}\", super::super::a::f()); }"),
    ];
    let graph = Graph::of_files(
        files
            .iter()
            .map(|(p, s)| ((*p).to_owned(), (*s).to_owned())),
    );
    let edges: BTreeSet<(&str, &str)> = graph
        .edges
        .keys()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        edges,
        BTreeSet::from([
            ("a", "process"),
            ("a", "process::run"),
            ("process", "process::run"),
            ("process::run", "a"),
        ])
    );
    let cycles = graph.cycles(&[]);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].contains("a -> process::run (src/a.rs:1) -> a (src/process/run.rs:1)"),
        "{cycles:?}"
    );
    // An allowed edge breaks it.
    assert!(graph.cycles(&[("process::run", "a")]).is_empty());

    // The re-export at the root resolves to its module; a bare path in code does not count.
    let files = [
        ("lib.rs", "mod a; mod b; pub use b::Thing;"),
        ("a.rs", "use crate::Thing; fn f() { b::nothing(); }"),
        ("b.rs", "pub struct Thing;"),
    ];
    let graph = Graph::of_files(
        files
            .iter()
            .map(|(p, s)| ((*p).to_owned(), (*s).to_owned())),
    );
    let edges: Vec<_> = graph.edges.keys().cloned().collect();
    assert_eq!(edges, [("a".to_owned(), "b".to_owned())]);
}

// ---- the graph --------------------------------------------------------------------------------

/// A module path: `["process", "apply"]`; the crate root is `[]`.
type ModPath = Vec<String>;

struct Graph {
    /// `(from, to)` → where the first path that makes it was found (`file:line`).
    edges: BTreeMap<(String, String), String>,
}

/// One source file, lexed.
struct File {
    name: String,
    module: ModPath,
    tokens: Vec<Tok>,
}

impl Graph {
    fn of_dir(src: &Path) -> Self {
        let mut files = Vec::new();
        collect(src, src, &mut files);
        assert!(!files.is_empty(), "no sources under {}", src.display());
        Self::of_files(files)
    }

    /// `files`: (path relative to `src/`, contents).
    fn of_files(files: impl IntoIterator<Item = (String, String)>) -> Self {
        let files: Vec<File> = files
            .into_iter()
            .map(|(name, text)| File {
                module: module_of_file(&name),
                tokens: lex(&text),
                name,
            })
            .collect();
        // Every module: files, and inline `mod x { … }` blocks.
        let mut modules: BTreeSet<ModPath> = BTreeSet::new();
        for file in &files {
            modules.insert(file.module.clone());
            walk(file, |item| {
                if let Item::Module(path) = item {
                    modules.insert(path.to_vec());
                }
            });
        }
        // `pub use` re-exports: (module, name) → the path it stands for.
        let mut reexports: BTreeMap<(ModPath, String), ModPath> = BTreeMap::new();
        for file in &files {
            walk(file, |item| {
                if let Item::Use {
                    module,
                    trees,
                    public: true,
                    ..
                } = item
                {
                    for (path, name) in trees {
                        if let (Some(target), Some(name)) =
                            (absolute(module, path, &modules, true), name)
                        {
                            reexports.insert((module.to_vec(), name.clone()), target);
                        }
                    }
                }
            });
        }
        let mut edges = BTreeMap::new();
        for file in &files {
            let mut add = |module: &[String], line: usize, target: ModPath| {
                let from = node_of(module);
                let to = node_of(&resolve(target, &modules, &reexports));
                if from.is_empty() || to.is_empty() || from == to {
                    return;
                }
                edges
                    .entry((from, to))
                    .or_insert_with(|| format!("src/{}:{line}", file.name));
            };
            walk(file, |item| match item {
                Item::Module(_) => {}
                Item::Use {
                    module,
                    line,
                    trees,
                    ..
                } => {
                    for (path, _) in trees {
                        if let Some(target) = absolute(module, path, &modules, true) {
                            add(module, line, target);
                        }
                    }
                }
                Item::Path {
                    module,
                    line,
                    segments,
                } => {
                    if let Some(target) = absolute(module, segments, &modules, false) {
                        add(module, line, target);
                    }
                }
            });
        }
        Self { edges }
    }

    /// Every cycle, one line each (`a -> b (src/a.rs:3) -> … -> a`), ignoring `allowed` edges.
    fn cycles(&self, allowed: &[(&str, &str)]) -> Vec<String> {
        let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (from, to) in self.edges.keys() {
            if !allowed.contains(&(from.as_str(), to.as_str())) {
                next.entry(from.as_str()).or_default().push(to.as_str());
            }
        }
        strongly_connected(&next)
            .into_iter()
            .filter(|component| component.len() > 1)
            .map(|component| {
                let cycle = cycle_in(&next, &component);
                let mut line = cycle[0].to_owned();
                for pair in cycle.windows(2) {
                    let at = &self.edges[&(pair[0].to_owned(), pair[1].to_owned())];
                    line.push_str(&format!(" -> {} ({at})", pair[1]));
                }
                format!(
                    "  {line}   [modules in this cycle: {}]",
                    component.join(", ")
                )
            })
            .collect()
    }
}

fn collect(src: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(src, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// `lib.rs` → `[]`, `a.rs` and `a/mod.rs` → `[a]`, `a/b.rs` → `[a, b]`.
fn module_of_file(name: &str) -> ModPath {
    let stem = name.strip_suffix(".rs").expect("a .rs file");
    let mut parts: ModPath = stem.split('/').map(str::to_owned).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The node a module belongs to: its top-level module, or its first two segments under a
/// [`SPLIT`] module; `""` for the crate root.
fn node_of(module: &[String]) -> String {
    match module {
        [] => String::new(),
        [top, sub, ..] if SPLIT.contains(&top.as_str()) => format!("{top}::{sub}"),
        [top, ..] => top.clone(),
    }
}

/// The longest prefix of `path` that is a module, with re-exports followed to where the item is
/// defined.
fn resolve(
    mut path: ModPath,
    modules: &BTreeSet<ModPath>,
    reexports: &BTreeMap<(ModPath, String), ModPath>,
) -> ModPath {
    for _ in 0..16 {
        let known = (0..=path.len())
            .rev()
            .find(|&n| modules.contains(&path[..n]))
            .unwrap_or(0);
        let Some(name) = path.get(known) else {
            return path;
        };
        match reexports.get(&(path[..known].to_vec(), name.clone())) {
            Some(origin) if *origin != path[..=known] => {
                let mut next = origin.clone();
                next.extend_from_slice(&path[known + 1..]);
                path = next;
            }
            _ => return path[..known].to_vec(),
        }
    }
    path
}

/// `path` as written in `module` made absolute: `crate::`, `self::`, `super::` paths; in a `use`
/// declaration also a path that starts with a child module (or, at the root, a top-level one).
/// `None` for anything else (other crates, local names).
fn absolute(
    module: &[String],
    path: &[String],
    modules: &BTreeSet<ModPath>,
    in_use: bool,
) -> Option<ModPath> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "self" => Some(module.iter().chain(&path[1..]).cloned().collect()),
        "super" => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            let base = module.len().checked_sub(ups)?;
            Some(module[..base].iter().chain(&path[ups..]).cloned().collect())
        }
        _ if in_use => {
            let mut child = module.to_vec();
            child.push(first.clone());
            modules
                .contains(&child)
                .then(|| module.iter().chain(path).cloned().collect())
        }
        _ => None,
    }
}

// ---- walking a file ---------------------------------------------------------------------------

/// What [`walk`] finds in a file, with the module it is in.
enum Item<'a> {
    /// An inline module (`mod x { … }`).
    Module(&'a [String]),
    /// A `use` declaration: each leaf path, with the name it is imported as (none for a glob).
    Use {
        module: &'a [String],
        line: usize,
        trees: &'a [(ModPath, Option<String>)],
        public: bool,
    },
    /// A `crate::`, `super::` or `self::` path outside `use` declarations.
    Path {
        module: &'a [String],
        line: usize,
        segments: &'a [String],
    },
}

/// Walks a file's tokens, tracking the (inline) module each one is in.
fn walk(file: &File, mut on: impl FnMut(Item<'_>)) {
    let toks = &file.tokens;
    let kind = |i: usize| toks.get(i).map(|t| &t.kind);
    let mut module = file.module.clone();
    // For each open brace: whether it opened an inline module.
    let mut braces: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i].kind {
            Kind::Ident(kw) if kw == "mod" => {
                if let (Some(Kind::Ident(name)), Some(Kind::Punct('{'))) =
                    (kind(i + 1), kind(i + 2))
                {
                    module.push(name.clone());
                    on(Item::Module(&module));
                    braces.push(true);
                    i += 3;
                    continue;
                }
            }
            Kind::Punct('{') => braces.push(false),
            Kind::Punct('}') => {
                let closes_module = braces.pop() == Some(true);
                if closes_module {
                    module.pop();
                }
            }
            Kind::Ident(kw) if kw == "use" => {
                let mut trees = Vec::new();
                let end = use_tree(toks, i + 1, Vec::new(), &mut trees);
                on(Item::Use {
                    module: &module,
                    line: toks[i].line,
                    trees: &trees,
                    public: is_public(toks, i),
                });
                i = end;
                continue;
            }
            Kind::Ident(first) if matches!(first.as_str(), "crate" | "super" | "self") => {
                let preceded_by_sep = i > 0 && toks[i - 1].kind == Kind::Sep;
                if !preceded_by_sep && kind(i + 1) == Some(&Kind::Sep) {
                    let (segments, end) = segments_at(toks, i);
                    on(Item::Path {
                        module: &module,
                        line: toks[i].line,
                        segments: &segments,
                    });
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Whether the `use` at `at` is `pub` or `pub(…)`.
fn is_public(toks: &[Tok], at: usize) -> bool {
    let before = |n: usize| at.checked_sub(n).map(|i| &toks[i].kind);
    matches!(before(1), Some(Kind::Ident(p)) if p == "pub")
        || (before(1) == Some(&Kind::Punct(')'))
            && (2..=5).any(|n| matches!(before(n), Some(Kind::Ident(p)) if p == "pub")))
}

/// Parses a use tree starting at `i` under `prefix`; pushes `(path, imported as)` for each leaf
/// (a glob's name is `None`). Returns the index after the tree.
fn use_tree(
    toks: &[Tok],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<(ModPath, Option<String>)>,
) -> usize {
    if toks.get(i).map(|t| &t.kind) == Some(&Kind::Sep) {
        // `::std::…`: another crate.
        prefix.push("::".to_owned());
        i += 1;
    }
    loop {
        match toks.get(i).map(|t| &t.kind) {
            Some(Kind::Ident(segment)) => {
                prefix.push(segment.clone());
                i += 1;
                if toks.get(i).map(|t| &t.kind) == Some(&Kind::Sep) {
                    i += 1;
                    continue;
                }
                let mut name = prefix.last().cloned();
                if matches!(toks.get(i).map(|t| &t.kind), Some(Kind::Ident(a)) if a == "as") {
                    name = match toks.get(i + 1).map(|t| &t.kind) {
                        Some(Kind::Ident(alias)) if alias != "_" => Some(alias.clone()),
                        _ => None,
                    };
                    i += 2;
                }
                // `use a::{self}` imports the module `a` under its own name.
                if prefix.last().is_some_and(|s| s == "self") && prefix.len() > 1 {
                    prefix.pop();
                    if name.as_deref() == Some("self") {
                        name = prefix.last().cloned();
                    }
                }
                out.push((prefix, name));
                return skip_terminator(toks, i);
            }
            Some(Kind::Punct('*')) => {
                out.push((prefix, None));
                return skip_terminator(toks, i + 1);
            }
            Some(Kind::Punct('{')) => {
                i += 1;
                loop {
                    match toks.get(i).map(|t| &t.kind) {
                        Some(Kind::Punct('}')) => return skip_terminator(toks, i + 1),
                        Some(Kind::Punct(',')) => i += 1,
                        None => return i,
                        _ => i = use_tree(toks, i, prefix.clone(), out),
                    }
                }
            }
            _ => return i,
        }
    }
}

/// Past a `;` ending a use declaration (a `,` or `}` of a group is left to the caller).
fn skip_terminator(toks: &[Tok], i: usize) -> usize {
    if toks.get(i).map(|t| &t.kind) == Some(&Kind::Punct(';')) {
        i + 1
    } else {
        i
    }
}

/// The segments of the path starting at `i` (`a :: b :: c`), and the index after it.
fn segments_at(toks: &[Tok], mut i: usize) -> (Vec<String>, usize) {
    let mut segments = Vec::new();
    while let Some(Kind::Ident(segment)) = toks.get(i).map(|t| &t.kind) {
        segments.push(segment.clone());
        i += 1;
        if toks.get(i).map(|t| &t.kind) != Some(&Kind::Sep) {
            break;
        }
        i += 1;
    }
    (segments, i)
}

// ---- cycles -----------------------------------------------------------------------------------

/// Tarjan's strongly connected components, each sorted.
fn strongly_connected<'a>(next: &BTreeMap<&'a str, Vec<&'a str>>) -> Vec<Vec<&'a str>> {
    struct Walk<'a, 'g> {
        next: &'g BTreeMap<&'a str, Vec<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<&'a str>>,
    }
    impl<'a> Walk<'a, '_> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for &w in self.next.get(v).map(Vec::as_slice).unwrap_or_default() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                self.out.push(component);
            }
        }
    }
    let mut walk = Walk {
        next,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for &v in next.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.out
}

/// A shortest cycle through the first node of `component`, as `[a, b, …, a]`.
fn cycle_in<'a>(next: &BTreeMap<&'a str, Vec<&'a str>>, component: &[&'a str]) -> Vec<&'a str> {
    let start = component[0];
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in next.get(v).map(Vec::as_slice).unwrap_or_default() {
            if !component.contains(&w) {
                continue;
            }
            if w == start {
                let mut cycle = vec![start, v];
                let mut at = v;
                while at != start {
                    at = came_from[at];
                    cycle.push(at);
                }
                cycle.reverse();
                return cycle;
            }
            if !came_from.contains_key(w) {
                came_from.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    unreachable!("a strongly connected component of several nodes has a cycle through each")
}

// ---- lexing -----------------------------------------------------------------------------------

/// Just enough of Rust's tokens to find paths: identifiers (keywords included), `::`, and single
/// punctuation; comments, string and char literals, lifetimes and numbers are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Ident(String),
    Sep,
    Punct(char),
}

#[derive(Debug, Clone)]
struct Tok {
    kind: Kind,
    line: usize,
}

fn lex(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut toks = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            _ if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                loop {
                    if i >= chars.len() {
                        break;
                    }
                    if chars[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if chars[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            '"' => i = skip_string(&chars, i + 1, &mut line),
            'r' | 'b' | 'c' if raw_string_start(&chars, i).is_some() => {
                let (hashes, body) = raw_string_start(&chars, i).unwrap();
                i = body;
                let closing: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                while i < chars.len() && !chars[i..].starts_with(&closing) {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += closing.len();
            }
            'b' | 'c' if at(i + 1) == '"' => i = skip_string(&chars, i + 2, &mut line),
            'b' if at(i + 1) == '\'' => i = skip_char(&chars, i + 2),
            '\'' => {
                if at(i + 1) == '\\' || at(i + 2) == '\'' {
                    i = skip_char(&chars, i + 1);
                } else {
                    // A lifetime or a label.
                    i += 1;
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                }
            }
            ':' if at(i + 1) == ':' => {
                toks.push(Tok {
                    kind: Kind::Sep,
                    line,
                });
                i += 2;
            }
            _ if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let mut word: String = chars[start..i].iter().collect();
                if let Some(raw) = word.strip_prefix("r#") {
                    word = raw.to_owned();
                }
                toks.push(Tok {
                    kind: Kind::Ident(word),
                    line,
                });
            }
            _ if c.is_ascii_digit() => {
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
            }
            _ => {
                toks.push(Tok {
                    kind: Kind::Punct(c),
                    line,
                });
                i += 1;
            }
        }
    }
    toks
}

/// After the opening quote: the index past the closing one.
fn skip_string(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            '\n' => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

/// After the opening `'` of a char literal: the index past the closing one.
fn skip_char(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '\'' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// `r"`, `r#"`, `br##"`, `cr"` at `i`: the number of `#` and the index of the body.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None; // inside an identifier
    }
    let mut j = i;
    if matches!(chars.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    (chars.get(j) == Some(&'"')).then_some((hashes, j + 1))
}
