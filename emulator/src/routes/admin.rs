//! The emulator's own endpoints: stats and reset, for tests.

use crate::envelope::Reply;
use crate::state::State;

/// `GET /__emulator/stats`: requests, served and faulted per route.
pub fn stats(state: &State) -> Reply {
    Reply::json(200, &state.stats_json())
}

/// `POST /__emulator/reset`: re-seed secrets, drop apps, counters and stats.
pub fn reset(state: &State) -> Reply {
    state.reset();
    Reply::json(200, &serde_json::json!({ "reset": true }))
}
