//! Binding [`Value`]s to, and decoding rows from, sqlx's PostgreSQL driver (SQLite: `sqlite.rs`).

use sqlx::postgres::{PgArguments, PgRow, PgTypeInfo};
use sqlx::query::Query;
use sqlx::{Column, Postgres, Row as _, TypeInfo, ValueRef};

use super::value::{Row, Value};
use crate::error::AppError;

/// A NULL whose type PostgreSQL infers from the statement (OID 0), so one `Value::Null`
/// fits a text, integer or float column alike.
struct UntypedNull;

impl sqlx::Type<Postgres> for UntypedNull {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(sqlx::postgres::types::Oid(0))
    }
}

impl sqlx::Encode<'_, Postgres> for UntypedNull {
    fn encode_by_ref(
        &self,
        _buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        Ok(sqlx::encode::IsNull::Yes)
    }
}

pub fn postgres<'q>(
    mut q: Query<'q, Postgres, PgArguments>,
    args: &[Value],
) -> Query<'q, Postgres, PgArguments> {
    for a in args {
        q = match a {
            Value::Null => q.bind(UntypedNull),
            Value::Int(i) => q.bind(*i),
            Value::Real(f) => q.bind(*f),
            Value::Text(s) => q.bind(s.clone()),
        };
    }
    q
}

pub fn decode_postgres(rows: Vec<PgRow>) -> Result<Vec<Row>, AppError> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let cols = super::columns(
        first
            .columns()
            .iter()
            .map(|c| c.name().to_owned())
            .collect(),
    );
    rows.iter()
        .map(|r| {
            let mut values = Vec::with_capacity(cols.len());
            for i in 0..cols.len() {
                let raw = r.try_get_raw(i)?;
                let v = if raw.is_null() {
                    Value::Null
                } else {
                    match raw.type_info().name() {
                        "INT8" => Value::Int(r.try_get(i)?),
                        "INT4" => Value::Int(r.try_get::<i32, _>(i)?.into()),
                        "INT2" => Value::Int(r.try_get::<i16, _>(i)?.into()),
                        "BOOL" => Value::Int(r.try_get::<bool, _>(i)?.into()),
                        "FLOAT8" => Value::Real(r.try_get(i)?),
                        "FLOAT4" => Value::Real(r.try_get::<f32, _>(i)?.into()),
                        _ => Value::Text(r.try_get(i)?),
                    }
                };
                values.push(v);
            }
            Ok(Row {
                columns: cols.clone(),
                values,
            })
        })
        .collect()
}
