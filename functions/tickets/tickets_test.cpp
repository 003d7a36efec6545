#include "tickets.h"

#include <gtest/gtest.h>

#include "cinema/crypto.h"
#include "cinema/testing.h"
#include "ticket_code.h"

namespace cinema::tickets {
namespace {

const std::string kSecret = "ticket-test-secret-ticket-test-secret-0123";
const TicketRef kTicket{1201, 3407, 88, 51234};

TEST(TicketCode, SignedCodesVerifyAndNameTheirTicket) {
  std::string code = sign_ticket(kSecret, kTicket);
  EXPECT_EQ(code, sign_ticket(kSecret, kTicket)) << "a ticket has one code";
  EXPECT_EQ(
      code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
      std::string::npos)
      << code;
  EXPECT_LE(code.size(), kMaxCodeLength);
  VerifiedCode v = verify_ticket(kSecret, code);
  ASSERT_EQ(v.check, CodeCheck::kValid);
  EXPECT_EQ(v.ref.ticket_id, kTicket.ticket_id);
  EXPECT_EQ(v.ref.reservation_id, kTicket.reservation_id);
  EXPECT_EQ(v.ref.show_id, kTicket.show_id);
  EXPECT_EQ(v.ref.seat_id, kTicket.seat_id);
  EXPECT_NE(sign_ticket(kSecret, {1202, 3407, 88, 51234}), code);
}

TEST(TicketCode, AnotherSecretOrAlteredIdsAreForgeries) {
  std::string code = sign_ticket(kSecret, kTicket);
  EXPECT_EQ(verify_ticket("another-secret-another-secret-another-0123", code).check,
            CodeCheck::kForged);
  // The ids of another ticket with this ticket's MAC.
  std::string mac = code.substr(code.find('.'));
  for (const TicketRef& other :
       {TicketRef{1202, 3407, 88, 51234}, TicketRef{1201, 3408, 88, 51234},
        TicketRef{1201, 3407, 89, 51234}, TicketRef{1201, 3407, 88, 51235}}) {
    std::string ids = std::to_string(other.ticket_id) + "." + std::to_string(other.reservation_id) +
                      "." + std::to_string(other.show_id) + "." + std::to_string(other.seat_id);
    EXPECT_EQ(verify_ticket(kSecret, base64url_encode(ids) + mac).check, CodeCheck::kForged) << ids;
  }
  // A flipped MAC bit.
  std::string raw = *base64url_decode(mac.substr(1));
  raw[5] = static_cast<char>(raw[5] ^ 1);
  std::string flipped = code.substr(0, code.find('.') + 1) + base64url_encode(raw);
  EXPECT_EQ(verify_ticket(kSecret, flipped).check, CodeCheck::kForged);
  // A MAC made with the right key over something else is not a ticket's.
  std::string ids = "1201.3407.88.51234";
  EXPECT_EQ(verify_ticket(kSecret,
                          base64url_encode(ids) + "." + base64url_encode(hmac_sha256(kSecret, ids)))
                .check,
            CodeCheck::kForged);
}

TEST(TicketCode, GarbledTextIsNotACode) {
  std::string code = sign_ticket(kSecret, kTicket);
  std::string mac = code.substr(code.find('.'));
  auto with_ids = [&](const std::string& ids) { return base64url_encode(ids) + mac; };
  for (const std::string& bad :
       {std::string(), std::string("hello"), code + ".", "." + code,
        code.substr(0, code.size() - 2), code + "A", code.substr(0, code.find('.')),
        std::string(kMaxCodeLength + 1, 'A'), code.substr(0, code.find('.')) + ".!!!!",
        with_ids("1201.3407.88"), with_ids("1201.3407.88.51234.1"), with_ids("01201.3407.88.51234"),
        with_ids("-1201.3407.88.51234"), with_ids("0.3407.88.51234"), with_ids("1201..88.51234"),
        with_ids("1201.3407.88.5x"), with_ids("9999999999999999999.1.1.1")}) {
    EXPECT_EQ(verify_ticket(kSecret, bad).check, CodeCheck::kMalformed) << bad;
  }
}

Request checkin_request(Context& ctx, const std::string& role, const std::string& body) {
  return testing::json_request("POST", "/v1/checkin", body, role, ctx);
}

TEST(Tickets, CheckInIsForOwnersAndRefusesWhatIsNotOurCodeBeforeTheDatabase) {
  Context ctx(Config::for_tests());
  const std::string secret = ctx.config().ticket_secret;
  std::string good = R"({"code":")" + sign_ticket(secret, kTicket) + R"("})";
  EXPECT_EQ(router().dispatch(checkin_request(ctx, "", good), ctx).status, 401);
  EXPECT_EQ(router().dispatch(checkin_request(ctx, "CUSTOMER", good), ctx).status, 403);
  for (const char* body : {R"({})", R"({"code":""})", R"({"code":7})", R"({"code":"x","seat":1})",
                           R"({"code":"not-a-code"})"}) {
    EXPECT_EQ(router().dispatch(checkin_request(ctx, "OWNER", body), ctx).status, 400) << body;
  }
  std::string forged =
      R"({"code":")" + sign_ticket("not-our-secret-not-our-secret-not-our-0123", kTicket) + R"("})";
  EXPECT_EQ(router().dispatch(checkin_request(ctx, "OWNER", forged), ctx).status, 404);
  EXPECT_EQ(router().dispatch(checkin_request(ctx, "ADMIN", forged), ctx).status, 404);
}

TEST(Tickets, WithoutASecretTicketsAreUnavailable) {
  Config cfg = Config::for_tests();
  cfg.ticket_secret.clear();
  Context ctx(cfg);
  Response r = router().dispatch(checkin_request(ctx, "OWNER", R"({"code":"a.b"})"), ctx);
  EXPECT_EQ(r.status, 503);
  Request list = testing::json_request("GET", "/v1/reservations/5/tickets", "", "CUSTOMER", ctx);
  EXPECT_EQ(router().dispatch(list, ctx).status, 503);
  list.path = "/v1/reservations/x/tickets";
  EXPECT_EQ(router().dispatch(list, ctx).status, 404);
}

}  // namespace
}  // namespace cinema::tickets
