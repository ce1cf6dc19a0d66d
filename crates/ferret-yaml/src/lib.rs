//! A structural view of YAML with positions, for checks about keys that are *missing*
//! (`runAsNonRoot` absent, no resource limits), which a line-oriented view cannot see.
//!
//! Built from `saphyr-parser` events: every node keeps its 1-based line and column, mappings
//! keep their keys' positions, aliases are expanded (with a cap on total nodes, so a
//! "billion laughs" document is refused instead of exhausting memory), and a multi-document
//! stream gives one root per document.

use saphyr_parser::{Event, Parser};
use std::collections::HashMap;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(String),
    Seq(Vec<Node>),
    /// Keys in document order, each with its own position.
    Map(Vec<(Node, Node)>),
}

/// Why a YAML stream could not be read as a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YamlError {
    /// The parser's own message on invalid YAML.
    #[error("{0}")]
    Syntax(String),
    /// An alias names an anchor that was never defined.
    #[error("unknown alias")]
    UnknownAlias,
    /// Expanding aliases would build more than [`MAX_NODES`] nodes.
    #[error("YAML document too large (alias expansion)")]
    TooLarge,
    /// The parser closed a collection it never opened.
    #[error("unbalanced YAML events")]
    Unbalanced,
}

/// Most nodes one file may expand to (aliases included).
const MAX_NODES: usize = 1_000_000;

impl Node {
    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value under `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Follows a path of keys: `node.path(&["spec", "template", "spec"])`.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// YAML 1.1/1.2 booleans as Kubernetes reads them.
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()? {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_str()?.parse().ok()
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }
}

/// Parses a YAML stream, keeping what can be read: when the stream as a whole is invalid,
/// each `---`-separated document is parsed on its own (at its own lines, so positions stay
/// true) and the ones that parse are returned, with the first error.
pub fn parse_lenient(text: &str) -> (Vec<Node>, Option<YamlError>) {
    let error = match parse(text) {
        Ok(documents) => return (documents, None),
        Err(error) => error,
    };
    let mut documents = Vec::new();
    let mut padded = String::new();
    let mut chunk_start = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for end in 1..=lines.len() {
        let at_separator = lines.get(end).is_some_and(|l| l.starts_with("---"));
        if end < lines.len() && !at_separator {
            continue;
        }
        padded.clear();
        padded.extend(std::iter::repeat_n('\n', chunk_start));
        padded.extend(lines[chunk_start..end].iter().copied());
        if let Ok(parsed) = parse(&padded) {
            documents.extend(parsed);
        }
        chunk_start = end;
    }
    (documents, Some(error))
}

/// Parses every document of a YAML stream; `Err` with the parser's message on invalid YAML.
pub fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError::Syntax(e.to_string()))?;
        let pos = Pos {
            line: span.start.line() as u32,
            column: span.start.col() as u32 + 1,
        };
        builder.event(event, pos)?;
    }
    Ok(builder.documents)
}

/// A container being filled: a sequence, or a mapping with a pending key.
enum Open {
    Seq(Pos, usize, Vec<Node>),
    Map(Pos, usize, Vec<(Node, Node)>, Option<Node>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    anchors: HashMap<usize, Node>,
    documents: Vec<Node>,
    nodes: usize,
}

fn size(node: &Node) -> usize {
    match &node.value {
        Value::Scalar(_) => 1,
        Value::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| size(k) + size(v))
                .sum::<usize>()
        }
    }
}

/// Moves a node and everything under it to `pos`.
fn relocate(node: &mut Node, pos: Pos) {
    node.pos = pos;
    match &mut node.value {
        Value::Scalar(_) => {}
        Value::Seq(items) => items.iter_mut().for_each(|item| relocate(item, pos)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            relocate(k, pos);
            relocate(v, pos);
        }),
    }
}

impl Builder {
    fn event(&mut self, event: Event<'_>, pos: Pos) -> Result<(), YamlError> {
        match event {
            Event::Scalar(text, _, anchor, _) => {
                let node = Node {
                    pos,
                    value: Value::Scalar(text.into_owned()),
                };
                self.finish(node, anchor)
            }
            Event::Alias(anchor) => {
                let anchored = self.anchors.get(&anchor).ok_or(YamlError::UnknownAlias)?;
                // Count before copying, so an exploding alias is refused before it is built.
                self.nodes += size(anchored);
                if self.nodes > MAX_NODES {
                    return Err(YamlError::TooLarge);
                }
                // An alias stands for the anchored node where it is used: every node of the copy
                // takes the alias's position, so a finding inside it is reported at the use site.
                let mut node = anchored.clone();
                relocate(&mut node, pos);
                self.finish(node, 0)
            }
            Event::SequenceStart(anchor, _) => {
                self.stack.push(Open::Seq(pos, anchor, Vec::new()));
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                self.stack.push(Open::Map(pos, anchor, Vec::new(), None));
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Open::Seq(pos, anchor, items)) => (
                        Node {
                            pos,
                            value: Value::Seq(items),
                        },
                        anchor,
                    ),
                    Some(Open::Map(pos, anchor, entries, _)) => (
                        Node {
                            pos,
                            value: Value::Map(entries),
                        },
                        anchor,
                    ),
                    None => return Err(YamlError::Unbalanced),
                };
                self.finish(node, anchor)
            }
            _ => Ok(()),
        }
    }

    /// Places a completed node in its parent (or as a document root).
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(YamlError::TooLarge);
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Open::Seq(_, _, items)) => items.push(node),
            Some(Open::Map(_, _, entries, pending)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    // `<<: *defaults` merges the aliased mapping's keys.
                    if key.as_str() == Some("<<") {
                        if let Value::Map(merged) = node.value {
                            for (k, v) in merged {
                                if !entries.iter().any(|(e, _)| e.as_str() == k.as_str()) {
                                    entries.push((k, v));
                                }
                            }
                            return Ok(());
                        }
                    }
                    entries.push((key, node));
                }
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_documents_and_aliases() {
        let docs = parse(
            "a: 1\nb:\n  - x\n  - {c: true}\ndefaults: &d\n  k: v\nuse:\n  <<: *d\n  own: 2\n---\nsecond: doc\n",
        )
        .unwrap();
        assert_eq!(docs.len(), 2);
        let root = &docs[0];
        let (key, value) = root.entry("b").unwrap();
        assert_eq!(key.pos, Pos { line: 2, column: 1 });
        assert_eq!(value.items()[0].pos, Pos { line: 3, column: 5 });
        assert_eq!(
            value.items()[1].get("c").and_then(Node::as_bool),
            Some(true)
        );
        assert_eq!(root.path(&["use", "k"]).and_then(Node::as_str), Some("v"));
        assert_eq!(root.path(&["use", "own"]).and_then(Node::as_i64), Some(2));
        // Merged and aliased nodes are placed where the alias is used.
        assert_eq!(root.path(&["use", "k"]).map(|n| n.pos.line), Some(8));
        assert_eq!(docs[1].get("second").and_then(Node::as_str), Some("doc"));
    }

    #[test]
    fn a_broken_document_loses_only_itself() {
        let text =
            "kind: Pod\nspec: {a: 1}\n---\nkind: Broken\nspec: [1, 2\n---\nkind: Job\nspec: {}\n";
        let (documents, error) = parse_lenient(text);
        assert!(matches!(error, Some(YamlError::Syntax(_))));
        let kinds: Vec<(Option<&str>, u32)> = documents
            .iter()
            .map(|d| (d.get("kind").and_then(Node::as_str), d.pos.line))
            .collect();
        assert_eq!(kinds, [(Some("Pod"), 1), (Some("Job"), 7)]);
        assert_eq!(parse_lenient("a: 1\n").1, None);
    }

    #[test]
    fn invalid_and_exploding_yaml_is_refused() {
        assert!(matches!(parse("a: [1, 2\n"), Err(YamlError::Syntax(_))));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            bomb.push_str(&format!(
                "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert_eq!(parse(&bomb), Err(YamlError::TooLarge));
    }
}
