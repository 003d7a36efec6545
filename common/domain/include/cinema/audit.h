// audit_log rows, written inside the transaction of the change they describe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cinema/context.h"
#include "cinema/db.h"

namespace cinema {

struct AuditEntry {
  std::optional<int64_t> actor_id;
  std::string actor_role;
  std::string action;       // e.g. "user.register", "cinema.update"
  std::string entity_type;  // e.g. "user", "cinema"
  std::optional<int64_t> entity_id;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
};

void write_audit(Session& s, const Context& ctx, const AuditEntry& e);

}  // namespace cinema
