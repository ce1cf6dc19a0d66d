//! GitHub Actions expressions (`${{ … }}`): a small parser and what the checks ask of it —
//! the constant an expression folds to (`${{ format('{0}-x', 'a') }}` is `'a-x'`), and which
//! contexts can flow into its *text* result (`contains(github.event.issue.title, 'x')` yields a
//! boolean, so the title never reaches the script; `github.event.issue.title || 'none'` does).
//!
//! The grammar follows GitHub's documentation: literals (`null`, booleans, numbers,
//! `'strings'` with `''` escapes), context paths with `.name`, `['name']` and `[*]`, function
//! calls, `!`, comparisons, `&&`, `||` and parentheses.

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Literal(Literal),
    /// A context path, normalized: `github['event'].issue` is `github.event.issue`.
    Context(String),
    Call(String, Vec<Expr>),
    Not(Box<Expr>),
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`: a boolean.
    Compare(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// A constant value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
}

impl Literal {
    /// Truthiness as GitHub defines it: `false`, `0`, `''` and `null` are false.
    pub fn truthy(&self) -> bool {
        match self {
            Literal::Null => false,
            Literal::Bool(b) => *b,
            Literal::Number(n) => *n != 0.0,
            Literal::String(s) => !s.is_empty(),
        }
    }

    /// The value as GitHub writes it into text.
    pub fn text(&self) -> String {
        match self {
            Literal::Null => String::new(),
            Literal::Bool(b) => b.to_string(),
            Literal::Number(n) => n.to_string(),
            Literal::String(s) => s.clone(),
        }
    }
}

/// Parses the inside of `${{ … }}` (or a bare `if:` condition); `None` when it is not a
/// well-formed expression.
pub fn parse(text: &str) -> Option<Expr> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, at: 0 };
    let expr = parser.or()?;
    (parser.at == parser.tokens.len()).then_some(expr)
}

/// The constant `expr` evaluates to, when it depends on no context.
pub fn fold(expr: &Expr) -> Option<Literal> {
    match expr {
        Expr::Literal(literal) => Some(literal.clone()),
        Expr::Context(_) => None,
        Expr::Not(inner) => Some(Literal::Bool(!fold(inner)?.truthy())),
        Expr::Compare(a, b) => {
            let (a, b) = (fold(a)?, fold(b)?);
            // Only equality of like values is folded; anything else is left to GitHub.
            match (&a, &b) {
                (Literal::String(x), Literal::String(y)) => {
                    Some(Literal::Bool(x.eq_ignore_ascii_case(y)))
                }
                _ if std::mem::discriminant(&a) == std::mem::discriminant(&b) => {
                    Some(Literal::Bool(a == b))
                }
                _ => None,
            }
        }
        Expr::And(a, b) => {
            let a = fold(a)?;
            if a.truthy() {
                fold(b)
            } else {
                Some(a)
            }
        }
        Expr::Or(a, b) => {
            let a = fold(a)?;
            if a.truthy() {
                Some(a)
            } else {
                fold(b)
            }
        }
        Expr::Call(name, args) => {
            let args: Vec<Literal> = args.iter().map(fold).collect::<Option<_>>()?;
            match name.to_ascii_lowercase().as_str() {
                "format" => {
                    let (template, rest) = args.split_first()?;
                    let mut text = template.text();
                    for (i, arg) in rest.iter().enumerate() {
                        text = text.replace(&format!("{{{i}}}"), &arg.text());
                    }
                    Some(Literal::String(text))
                }
                "contains" | "startswith" | "endswith" => {
                    let [hay, needle] = args.as_slice() else {
                        return None;
                    };
                    let (hay, needle) = (hay.text().to_lowercase(), needle.text().to_lowercase());
                    Some(Literal::Bool(match name.to_ascii_lowercase().as_str() {
                        "contains" => hay.contains(&needle),
                        "startswith" => hay.starts_with(&needle),
                        _ => hay.ends_with(&needle),
                    }))
                }
                _ => None,
            }
        }
    }
}

/// Every `${{ … }}` in `text`: its byte range and its inside (an unterminated one runs to the
/// end of the text).
pub fn fenced(text: &str) -> Vec<(usize, usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("${{").map(|s| s + from) {
        let end = text[start..]
            .find("}}")
            .map_or(text.len(), |e| start + e + 2);
        let inner = text[start + 3..end].trim_end_matches("}}");
        found.push((start, end, inner));
        from = end;
    }
    found
}

/// Every context path the expression reads, wherever it stands.
pub fn contexts(expr: &Expr) -> Vec<&str> {
    match expr {
        Expr::Context(path) => vec![path],
        Expr::Literal(_) => Vec::new(),
        Expr::Not(inner) => contexts(inner),
        Expr::Compare(a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
            let mut all = contexts(a);
            all.extend(contexts(b));
            all
        }
        Expr::Call(_, args) => args.iter().flat_map(contexts).collect(),
    }
}

/// The context paths whose text can become the expression's result: the ones a script would
/// receive. Booleans (`!`, comparisons, `contains`, status functions) and hashes carry none.
pub fn text_sources(expr: &Expr) -> Vec<&str> {
    let mut sources = Vec::new();
    collect_text_sources(expr, &mut sources);
    sources
}

fn collect_text_sources<'a>(expr: &'a Expr, sources: &mut Vec<&'a str>) {
    match expr {
        Expr::Context(path) => sources.push(path),
        Expr::Literal(_) | Expr::Not(_) | Expr::Compare(..) => {}
        // `a && b` yields `b` when `a` is truthy, else `a` (then falsy: empty or false).
        Expr::And(_, b) => collect_text_sources(b, sources),
        Expr::Or(a, b) => {
            collect_text_sources(a, sources);
            collect_text_sources(b, sources);
        }
        Expr::Call(name, args) => match name.to_ascii_lowercase().as_str() {
            "contains" | "startswith" | "endswith" | "success" | "failure" | "always"
            | "cancelled" | "hashfiles" => {}
            // format, join, toJSON, fromJSON and unknown functions pass their text on.
            _ => args
                .iter()
                .for_each(|arg| collect_text_sources(arg, sources)),
        },
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(Literal),
    Name(String),
    Dot,
    Star,
    Comma,
    Open,
    Close,
    OpenIndex,
    CloseIndex,
    Not,
    Compare,
    And,
    Or,
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        i += 1;
        let token = match c {
            c if c.is_whitespace() => continue,
            '.' => Token::Dot,
            '*' => Token::Star,
            ',' => Token::Comma,
            '(' => Token::Open,
            ')' => Token::Close,
            '[' => Token::OpenIndex,
            ']' => Token::CloseIndex,
            '&' if next == Some('&') => {
                i += 1;
                Token::And
            }
            '|' if next == Some('|') => {
                i += 1;
                Token::Or
            }
            '=' | '!' if next == Some('=') => {
                i += 1;
                Token::Compare
            }
            '<' | '>' => {
                if next == Some('=') {
                    i += 1;
                }
                Token::Compare
            }
            '!' => Token::Not,
            '\'' => {
                let mut value = String::new();
                loop {
                    match chars.get(i) {
                        None => return None,
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            value.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&c) => {
                            value.push(c);
                            i += 1;
                        }
                    }
                }
                Token::Literal(Literal::String(value))
            }
            c if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let start = i - 1;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.')
                {
                    i += 1;
                }
                let number: String = chars[start..i].iter().collect();
                let value = match number.strip_prefix("0x") {
                    Some(hex) => i64::from_str_radix(hex, 16).ok()? as f64,
                    None => number.parse().ok()?,
                };
                Token::Literal(Literal::Number(value))
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i - 1;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                match word.as_str() {
                    "true" => Token::Literal(Literal::Bool(true)),
                    "false" => Token::Literal(Literal::Bool(false)),
                    "null" => Token::Literal(Literal::Null),
                    _ => Token::Name(word),
                }
            }
            _ => return None,
        };
        tokens.push(token);
    }
    Some(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, token: &Token) -> bool {
        let matched = self.peek() == Some(token);
        self.at += usize::from(matched);
        matched
    }

    fn or(&mut self) -> Option<Expr> {
        let mut left = self.and()?;
        while self.eat(&Token::Or) {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Some(left)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut left = self.compare()?;
        while self.eat(&Token::And) {
            left = Expr::And(Box::new(left), Box::new(self.compare()?));
        }
        Some(left)
    }

    fn compare(&mut self) -> Option<Expr> {
        let mut left = self.unary()?;
        while self.eat(&Token::Compare) {
            left = Expr::Compare(Box::new(left), Box::new(self.unary()?));
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Expr> {
        if self.eat(&Token::Not) {
            return Some(Expr::Not(Box::new(self.unary()?)));
        }
        let mut expr = match self.tokens.get(self.at)?.clone() {
            Token::Literal(literal) => {
                self.at += 1;
                Expr::Literal(literal)
            }
            Token::Open => {
                self.at += 1;
                let inner = self.or()?;
                self.eat(&Token::Close).then_some(inner)?
            }
            Token::Name(name) => {
                self.at += 1;
                if self.eat(&Token::Open) {
                    let mut args = Vec::new();
                    if !self.eat(&Token::Close) {
                        loop {
                            args.push(self.or()?);
                            if self.eat(&Token::Close) {
                                break;
                            }
                            self.eat(&Token::Comma).then_some(())?;
                        }
                    }
                    Expr::Call(name, args)
                } else {
                    Expr::Context(name)
                }
            }
            _ => return None,
        };
        // Property access and indexing, on a context or on a call's result.
        loop {
            let segment = if self.eat(&Token::Dot) {
                let segment = match self.tokens.get(self.at)?.clone() {
                    Token::Name(name) => name,
                    Token::Star => "*".to_string(),
                    Token::Literal(literal) => literal.text(),
                    _ => return None,
                };
                self.at += 1;
                segment
            } else if self.eat(&Token::OpenIndex) {
                let segment = match self.tokens.get(self.at)?.clone() {
                    Token::Literal(literal) => {
                        self.at += 1;
                        Some(literal.text())
                    }
                    Token::Star => {
                        self.at += 1;
                        Some("*".to_string())
                    }
                    // A computed index (`x[matrix.k]`): the path up to it is what is known.
                    _ => self.or().map(|_| None)?,
                };
                self.eat(&Token::CloseIndex).then_some(())?;
                match segment {
                    Some(segment) => segment,
                    None => continue,
                }
            } else {
                break;
            };
            expr = match expr {
                Expr::Context(path) => Expr::Context(format!("{path}.{segment}")),
                other => other,
            };
        }
        Some(expr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Option<Literal> {
        fold(&parse(text).expect(text))
    }

    #[test]
    fn folds_constants() {
        assert_eq!(folded("true"), Some(Literal::Bool(true)));
        assert_eq!(
            folded("format('{0}-{1}', 'a', 1)"),
            Some(Literal::String("a-1".into()))
        );
        assert_eq!(folded("'x' == 'X'"), Some(Literal::Bool(true)));
        assert_eq!(folded("!(false || '')"), Some(Literal::Bool(true)));
        assert_eq!(folded("'it''s'"), Some(Literal::String("it's".into())));
        assert_eq!(folded("github.ref == 'refs/heads/main'"), None);
        assert_eq!(folded("format('{0}', github.actor)"), None);
    }

    #[test]
    fn finds_text_sources() {
        let sources = |text: &str| -> Vec<String> {
            text_sources(&parse(text).expect(text))
                .into_iter()
                .map(str::to_string)
                .collect()
        };
        assert_eq!(
            sources("github['event'].issue['title']"),
            ["github.event.issue.title"]
        );
        assert_eq!(
            sources("format('x {0}', github.event.comment.body)"),
            ["github.event.comment.body"]
        );
        assert_eq!(
            sources("github.event.issue.title || 'none'"),
            ["github.event.issue.title"]
        );
        assert!(sources("contains(github.event.issue.title, 'bug')").is_empty());
        assert!(sources("github.event.issue.title == 'x'").is_empty());
        assert!(sources("!github.event.issue.body").is_empty());
        assert!(parse("github.event.issue.title ==").is_none());
        assert!(parse("'unterminated").is_none());
        let expr = parse("contains(secrets.A, 'x') && !env.B").expect("parses");
        assert_eq!(contexts(&expr), ["secrets.A", "env.B"]);
        let text = "a ${{ x }} b ${{ y";
        let spans: Vec<&str> = fenced(text).iter().map(|(_, _, inner)| *inner).collect();
        assert_eq!(spans, [" x ", " y"]);
    }
}
