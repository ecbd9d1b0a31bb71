//! Backend-neutral values and rows.
//!
//! sqlx's `Any` driver breaks on PostgreSQL types, so the two pools stay concrete and
//! every statement goes through these small types instead: one code path, two engines.

use crate::error::AppError;

/// A bound parameter or a decoded column.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(v.into())
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// One result row: column names and values, in select order.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub(crate) columns: std::sync::Arc<Vec<String>>,
    pub(crate) values: Vec<Value>,
}

impl Row {
    fn value(&self, name: &str) -> Result<&Value, AppError> {
        self.columns
            .iter()
            .position(|c| c == name)
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| AppError::internal(format!("column {name} missing from row")))
    }

    pub fn str(&self, name: &str) -> Result<String, AppError> {
        match self.value(name)? {
            Value::Text(s) => Ok(s.clone()),
            Value::Int(i) => Ok(i.to_string()),
            other => Err(AppError::internal(format!(
                "column {name}: expected text, got {other:?}"
            ))),
        }
    }

    pub fn opt_str(&self, name: &str) -> Result<Option<String>, AppError> {
        match self.value(name)? {
            Value::Null => Ok(None),
            _ => self.str(name).map(Some),
        }
    }

    pub fn i64(&self, name: &str) -> Result<i64, AppError> {
        match self.value(name)? {
            Value::Int(i) => Ok(*i),
            Value::Real(f) => Ok(*f as i64),
            Value::Text(s) => s
                .parse()
                .map_err(|_| AppError::internal(format!("column {name}: not an integer"))),
            Value::Null => Err(AppError::internal(format!("column {name} is null"))),
        }
    }

    pub fn opt_i64(&self, name: &str) -> Result<Option<i64>, AppError> {
        match self.value(name)? {
            Value::Null => Ok(None),
            _ => self.i64(name).map(Some),
        }
    }

    pub fn opt_f64(&self, name: &str) -> Result<Option<f64>, AppError> {
        match self.value(name)? {
            Value::Null => Ok(None),
            Value::Real(f) => Ok(Some(*f)),
            Value::Int(i) => Ok(Some(*i as f64)),
            Value::Text(s) => s
                .parse()
                .map(Some)
                .map_err(|_| AppError::internal(format!("column {name}: not a number"))),
        }
    }

    pub fn bool(&self, name: &str) -> Result<bool, AppError> {
        Ok(self.i64(name)? != 0)
    }

    /// Values in column order, for backups and row comparisons.
    pub fn values(&self) -> &[Value] {
        &self.values
    }
}

/// Rewrites `?` placeholders as `$1, $2, …` for PostgreSQL, leaving quoted text alone.
pub fn to_postgres_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut in_quote = false;
    for ch in sql.chars() {
        match ch {
            '\'' => {
                in_quote = !in_quote;
                out.push(ch);
            }
            '?' if !in_quote => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_skip_quoted_text() {
        assert_eq!(
            to_postgres_placeholders("SELECT '?' , a FROM t WHERE a = ? AND b LIKE ? ESCAPE '\\'"),
            "SELECT '?' , a FROM t WHERE a = $1 AND b LIKE $2 ESCAPE '\\'"
        );
    }
}
