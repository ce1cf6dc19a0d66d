//! Constant folding for the taint walk: the value of an expression made of literals and of
//! local names bound to literals, so that a branch whose condition is always false
//! (`if (7 * 18) + num > 200` with `num = 106`, `switch` on `"ABC".charAt(1)`) is not taken.
//!
//! Only what is certain folds: integers (with `+ - * / %`), strings and characters (indexing and
//! `charAt`), booleans (`and`/`or`/`not`, `&&`/`||`/`!`) and comparisons between two values of
//! the same kind. Anything else — a call, a field, a name assigned more than a literal — is
//! unknown, and the walk then takes every branch.

use crate::SgNode;
use std::collections::HashMap;

/// A value known without running the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constant {
    Int(i64),
    Str(String),
    Bool(bool),
}

/// Names bound to constants in the function walked so far.
pub type Constants = HashMap<String, Constant>;

/// How deep an expression is folded; deeper ones (`1 + 1 + … + 1` a thousand times) are unknown,
/// so folding stays within the stack.
const MAX_DEPTH: usize = 64;

/// The constant value of `node`, when it has one.
pub fn evaluate(node: &SgNode<'_>, known: &Constants) -> Option<Constant> {
    fold(node, known, 0)
}

fn fold(node: &SgNode<'_>, known: &Constants, depth: usize) -> Option<Constant> {
    if depth > MAX_DEPTH {
        return None;
    }
    let evaluate = |node: &SgNode<'_>, known: &Constants| fold(node, known, depth + 1);
    let kind = node.kind();
    let text = node.text();
    match kind.as_ref() {
        "integer" | "number" | "decimal_integer_literal" | "int_literal" => {
            text.replace('_', "").parse().ok().map(Constant::Int)
        }
        "true" => Some(Constant::Bool(true)),
        "false" => Some(Constant::Bool(false)),
        "identifier" => known.get(text.as_ref()).cloned(),
        "string" | "string_literal" | "interpreted_string_literal" | "character_literal" => {
            string_literal(node)
        }
        "parenthesized_expression" => evaluate(&node.named_children().next()?, known),
        "binary_operator" | "binary_expression" | "boolean_operator" => {
            let left = evaluate(&node.field("left")?, known)?;
            let right = evaluate(&node.field("right")?, known)?;
            binary(operator(node)?.as_str(), left, right)
        }
        "comparison_operator" => {
            // Python `a > b` (a chain of more than two operands is not folded).
            let operands: Vec<SgNode<'_>> = node.named_children().collect();
            if operands.len() != 2 {
                return None;
            }
            let left = evaluate(&operands[0], known)?;
            let right = evaluate(&operands[1], known)?;
            binary(operator(node)?.as_str(), left, right)
        }
        "not_operator" => match evaluate(&node.field("argument")?, known)? {
            Constant::Bool(b) => Some(Constant::Bool(!b)),
            _ => None,
        },
        "unary_expression" | "unary_operator" => {
            let operand = node
                .field("argument")
                .or_else(|| node.field("operand"))
                .or_else(|| node.named_children().last())?;
            match (operator(node)?.as_str(), evaluate(&operand, known)?) {
                ("!", Constant::Bool(b)) => Some(Constant::Bool(!b)),
                ("-", Constant::Int(i)) => i.checked_neg().map(Constant::Int),
                _ => None,
            }
        }
        // Python `"ABC"[1]`.
        "subscript" => {
            let Constant::Str(value) = evaluate(&node.field("value")?, known)? else {
                return None;
            };
            let Constant::Int(index) = evaluate(&node.field("subscript")?, known)? else {
                return None;
            };
            character(&value, index)
        }
        // Java `"ABC".charAt(1)`.
        "method_invocation" => {
            if node.field("name")?.text() != "charAt" {
                return None;
            }
            let Constant::Str(value) = evaluate(&node.field("object")?, known)? else {
                return None;
            };
            let argument = node.field("arguments")?.named_children().next()?;
            let Constant::Int(index) = evaluate(&argument, known)? else {
                return None;
            };
            character(&value, index)
        }
        _ => None,
    }
}

/// The operator token of a binary, comparison or unary node.
fn operator(node: &SgNode<'_>) -> Option<String> {
    if let Some(operator) = node.field("operator") {
        return Some(operator.text().to_string());
    }
    // Python comparisons and boolean operators keep the operator as an unnamed child.
    node.children()
        .find(|c| !c.is_named())
        .map(|c| c.text().to_string())
}

fn binary(operator: &str, left: Constant, right: Constant) -> Option<Constant> {
    use Constant::{Bool, Int, Str};
    Some(match (left, right) {
        (Int(a), Int(b)) => match operator {
            "+" => Int(a.checked_add(b)?),
            "-" => Int(a.checked_sub(b)?),
            "*" => Int(a.checked_mul(b)?),
            "/" | "//" if b != 0 => Int(a.checked_div(b)?),
            "%" if b != 0 => Int(a.checked_rem(b)?),
            _ => Bool(compare(operator, a.cmp(&b))?),
        },
        (Str(a), Str(b)) => match operator {
            "+" => Str(a + &b),
            _ => Bool(compare(operator, a.cmp(&b))?),
        },
        (Bool(a), Bool(b)) => match operator {
            "and" | "&&" => Bool(a && b),
            "or" | "||" => Bool(a || b),
            "==" | "===" | "is" => Bool(a == b),
            "!=" | "!==" | "is not" => Bool(a != b),
            _ => return None,
        },
        _ => return None,
    })
}

fn compare(operator: &str, ordering: std::cmp::Ordering) -> Option<bool> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    Some(match operator {
        "==" | "===" => ordering == Equal,
        "!=" | "!==" => ordering != Equal,
        "<" => ordering == Less,
        "<=" => ordering != Greater,
        ">" => ordering == Greater,
        ">=" => ordering != Less,
        _ => return None,
    })
}

fn character(value: &str, index: i64) -> Option<Constant> {
    let chars: Vec<char> = value.chars().collect();
    let at = if index < 0 {
        chars.len().checked_sub(index.unsigned_abs() as usize)?
    } else {
        index as usize
    };
    chars.get(at).map(|c| Constant::Str(c.to_string()))
}

/// The text of a plain string or character literal (`"ABC"`, `'A'`); an f-string, a template
/// with substitutions or a literal with escapes is not folded.
fn string_literal(node: &SgNode<'_>) -> Option<Constant> {
    if node
        .named_children()
        .any(|c| matches!(c.kind().as_ref(), "interpolation" | "escape_sequence"))
    {
        return None;
    }
    let text = node.text();
    let body = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let quote = ["\"\"\"", "\'\'\'", "\"", "'", "`"]
        .into_iter()
        .find(|q| body.starts_with(q))?;
    if body.len() < 2 * quote.len() || !body.ends_with(quote) {
        return None;
    }
    let inner = &body[quote.len()..body.len() - quote.len()];
    if inner.contains('\\') {
        return None;
    }
    Some(Constant::Str(inner.to_string()))
}

/// Keeps the constants every path agrees on.
pub fn join(paths: &[&Constants]) -> Constants {
    let Some((first, rest)) = paths.split_first() else {
        return Constants::new();
    };
    first
        .iter()
        .filter(|(name, value)| rest.iter().all(|p| p.get(*name) == Some(value)))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}
