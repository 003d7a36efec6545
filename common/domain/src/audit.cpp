#include "cinema/audit.h"

namespace cinema {

void write_audit(Session& s, const Context& ctx, const AuditEntry& e) {
  s.exec(
      "INSERT INTO audit_log (actor_id, actor_role, action, entity_type, entity_id, before_json, "
      "after_json, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      e.actor_id, e.actor_role, e.action, e.entity_type, e.entity_id, e.before_json, e.after_json,
      ctx.request_id);
}

}  // namespace cinema
