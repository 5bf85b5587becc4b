//! SQLite store: one file in the data directory, WAL mode, one connection that writes and one
//! that reads (WAL lets readers go on while a batch commits). Each connection sits behind a
//! mutex; callers are on the blocking pool, so waiting for it blocks no async worker.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};

use super::{Inserted, SessionSummary, Store, StoreError};
use crate::envelope::Batch;

/// Database file name inside the data directory.
pub const DB_FILE: &str = "tapedeck.sqlite3";
/// How long a statement waits for a lock held by another process before giving up (→ 503).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// `PRAGMA user_version` of the schema below.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
  session_id TEXT    NOT NULL,
  window_id  TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  type       INTEGER NOT NULL,
  timestamp  INTEGER NOT NULL,
  href       TEXT,              -- data.href of Meta events
  json       TEXT    NOT NULL,  -- the event as sent
  UNIQUE (session_id, window_id, seq)
);
CREATE INDEX IF NOT EXISTS events_pages ON events (session_id, href) WHERE href IS NOT NULL;
CREATE TABLE IF NOT EXISTS sessions (
  id     TEXT    PRIMARY KEY,
  start  INTEGER NOT NULL,
  end    INTEGER NOT NULL,
  events INTEGER NOT NULL,
  bytes  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_start ON sessions (start);
";

pub struct SqliteStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

impl SqliteStore {
    /// Open (creating if needed) the database in `dir`, creating `dir` too.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Failed(format!("cannot create {}: {e}", dir.display())))?;
        let path = dir.join(DB_FILE);
        let writer = Connection::open(&path).map_err(failed)?;
        writer.busy_timeout(BUSY_TIMEOUT).map_err(failed)?;
        // WAL: readers never block the writer. synchronous=FULL: a batch acknowledged with 200
        // is on disk, since the SDK forgets it then.
        writer
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
            .map_err(failed)?;
        let version: i64 = writer
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(failed)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Failed(format!(
                "{} has schema version {version}; this collector knows {SCHEMA_VERSION}",
                path.display()
            )));
        }
        writer.execute_batch(SCHEMA).map_err(failed)?;
        writer
            .execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
            .map_err(failed)?;
        let reader = Connection::open(&path).map_err(failed)?;
        reader.busy_timeout(BUSY_TIMEOUT).map_err(failed)?;
        reader
            .execute_batch("PRAGMA query_only = ON")
            .map_err(failed)?;
        Ok(SqliteStore {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
        })
    }
}

/// A poisoned mutex only means a panic elsewhere; the connection itself is fine (an open
/// transaction was rolled back when its guard dropped).
fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn failed(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
        _ => StoreError::Failed(format!("sqlite: {e}")),
    }
}

impl Store for SqliteStore {
    fn insert(&self, batch: &Batch<'_>) -> Result<Inserted, StoreError> {
        let mut conn = lock(&self.writer);
        // IMMEDIATE: take the write lock now, so the transaction never has to upgrade (and fail).
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        let mut inserted = Inserted::default();
        let (mut start, mut end, mut bytes) = (i64::MAX, i64::MIN, 0u64);
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO events (session_id, window_id, seq, type, timestamp, href, json)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(failed)?;
            for (i, event) in batch.events.iter().enumerate() {
                // Fits: the envelope keeps seq + index ≤ 2^53 - 1.
                let seq = (batch.seq + i as u64) as i64;
                let changed = insert
                    .execute(params![
                        batch.session_id,
                        batch.window_id,
                        seq,
                        event.kind,
                        event.timestamp,
                        event.href,
                        event.json
                    ])
                    .map_err(failed)?;
                if changed == 0 {
                    inserted.duplicates += 1;
                    continue;
                }
                inserted.stored += 1;
                start = start.min(event.timestamp);
                end = end.max(event.timestamp);
                bytes += event.json.len() as u64;
            }
        }
        if inserted.stored > 0 {
            tx.prepare_cached(
                "INSERT INTO sessions (id, start, end, events, bytes) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET
                   start = min(start, excluded.start), end = max(end, excluded.end),
                   events = events + excluded.events, bytes = bytes + excluded.bytes",
            )
            .and_then(|mut s| {
                s.execute(params![
                    batch.session_id,
                    start,
                    end,
                    inserted.stored as i64,
                    bytes as i64
                ])
            })
            .map_err(failed)?;
        }
        tx.commit().map_err(failed)?;
        Ok(inserted)
    }

    fn sessions(&self) -> Result<Vec<SessionSummary>, StoreError> {
        let conn = lock(&self.reader);
        let mut stmt = conn
            .prepare_cached(
                "SELECT s.id, s.start, s.end, s.events, s.bytes,
                   (SELECT count(DISTINCT e.href) FROM events e
                     WHERE e.session_id = s.id AND e.href IS NOT NULL)
                 FROM sessions s ORDER BY s.start DESC, s.id",
            )
            .map_err(failed)?;
        let rows = stmt
            .query_map([], |r| {
                let (start, end): (i64, i64) = (r.get(1)?, r.get(2)?);
                Ok(SessionSummary {
                    id: r.get(0)?,
                    start,
                    end,
                    duration: end.saturating_sub(start),
                    // Counts are never negative.
                    events: r.get::<_, i64>(3)? as u64,
                    bytes: r.get::<_, i64>(4)? as u64,
                    pages: r.get::<_, i64>(5)? as u64,
                })
            })
            .map_err(failed)?;
        rows.collect::<Result<_, _>>().map_err(failed)
    }

    fn events_json(&self, session_id: &str) -> Result<Option<String>, StoreError> {
        let conn = lock(&self.reader);
        let exists = conn
            .prepare_cached("SELECT 1 FROM sessions WHERE id = ?1")
            .and_then(|mut s| s.query_row([session_id], |_| Ok(())).optional())
            .map_err(failed)?;
        if exists.is_none() {
            return Ok(None);
        }
        // A window's first event is its lowest seq (SQLite gives the bare `timestamp` of the row
        // that holds min(seq)).
        let mut stmt = conn
            .prepare_cached(
                "WITH windows AS (
                   SELECT window_id, min(seq), timestamp AS first FROM events
                    WHERE session_id = ?1 GROUP BY window_id
                 )
                 SELECT e.json FROM events e JOIN windows w ON w.window_id = e.window_id
                  WHERE e.session_id = ?1
                  ORDER BY w.first, e.window_id, e.seq",
            )
            .map_err(failed)?;
        let mut rows = stmt.query([session_id]).map_err(failed)?;
        let mut out = String::from("[");
        while let Some(row) = rows.next().map_err(failed)? {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(
                row.get_ref(0)
                    .and_then(|v| Ok(v.as_str()?))
                    .map_err(failed)?,
            );
        }
        out.push(']');
        Ok(Some(out))
    }
}
