// Access to the stack's own configuration (the CINEMA_* environment that
// scripts/test-integration passes in) and a direct database connection, for
// tests that forge tokens with the real secret or check what was written.
#pragma once

#include <cstdint>
#include <string>

#include "cinema/config.h"
#include "cinema/db.h"

namespace itest {

// Config::from_env() of the stack, read once. Throws std::runtime_error with
// the reason when the environment is incomplete (e.g. no CINEMA_JWT_SECRET).
const cinema::Config& stack_config();

// One connection to the stack's MariaDB (reconnects after an outage).
cinema::Database& stack_db();

// Drops the functions' cached state of an account (role, disabled), as the
// admin API does after a change; for tests that change users.role by SQL.
void forget_account(int64_t user_id);

// SELECT COUNT(*) ... with one string or integer argument.
int64_t count_rows(const std::string& sql, const std::string& arg);
int64_t count_rows(const std::string& sql, int64_t arg);

// Current Unix time in seconds.
int64_t unix_now();

}  // namespace itest
