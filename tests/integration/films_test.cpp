// Films: owners create and edit their own, everyone reads them; shows screen
// a film (given by id, or found or created from the show's title), and
// search finds shows by their film's title.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "catalog_owner_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

int64_t create_film(const Actor& owner, const std::string& title, int64_t duration_min = 95,
                    const std::string& extra = "") {
  std::string body = JsonObj().s("title", title).i("duration_min", duration_min).str();
  if (!extra.empty()) body = body.substr(0, body.size() - 1) + "," + extra + "}";
  HttpResponse r = post("/v1/films", body, owner.auth());
  if (r.status != 201) throw std::runtime_error("create film: " + r.describe());
  return json_int(r, "id").value_or(0);
}

// POST /v1/shows with `body` members added to a valid show in `hall`.
HttpResponse post_show(const Actor& owner, int64_t hall, int64_t starts_at, const JsonObj& extra) {
  std::string body = extra.str();
  std::string base = JsonObj()
                         .i("hall_id", hall)
                         .s("starts_at", rfc3339(starts_at))
                         .s("ends_at", rfc3339(starts_at + 2 * 3600))
                         .i("base_price_cents", 1000)
                         .s("currency", "EUR")
                         .str();
  if (body != "{}") base = base.substr(0, base.size() - 1) + "," + body.substr(1);
  return post("/v1/shows", base, owner.auth());
}

// Slots far from the fixtures' own (next_slot), 200 days ahead.
int64_t slot(int n) {
  return (unix_now() / 3600 + 24 * 200 + 3 * n) * 3600;
}

// ------------------------------------------------------------------ CRUD

TEST(Films, OwnersCreateEditAndDeleteTheirOwnFilms) {
  Actor owner = new_owner("film-owner");
  Actor other = new_owner("film-other");
  Actor customer = new_customer("film-cust");
  Actor admin = new_admin("film-admin");
  const std::string title = "Metropolis " + unique_token();

  HttpResponse created = post("/v1/films",
                              JsonObj()
                                  .s("title", title)
                                  .i("duration_min", 153)
                                  .s("rating", "PG")
                                  .s("description", "A city of the future.\nSilent.")
                                  .s("poster_url", "https://img.example.com/metropolis.jpg")
                                  .str(),
                              owner.auth());
  ASSERT_EQ(created.status, 201) << created.describe();
  const int64_t id = json_int(created, "id").value_or(0);
  ASSERT_GT(id, 0);
  EXPECT_EQ(created.header("location"), path("/v1/films/", id));
  EXPECT_EQ(json_int(created, "owner_id").value_or(0), owner.id());
  EXPECT_EQ(json_string(created, "poster_url"), "https://img.example.com/metropolis.jpg");

  // Public reads, no token.
  HttpResponse read = get(path("/v1/films/", id));
  ASSERT_EQ(read.status, 200) << read.describe();
  EXPECT_EQ(json_string(read, "title"), title);
  EXPECT_EQ(json_int(read, "duration_min").value_or(0), 153);
  EXPECT_EQ(json_string(read, "rating"), "PG");
  EXPECT_EQ(json_string(read, "description"), "A city of the future.\nSilent.");

  // Who may not.
  const std::string film = path("/v1/films/", id);
  EXPECT_TRUE(IsProblem(
      post("/v1/films", JsonObj().s("title", "x").i("duration_min", 90).str(), customer.auth()),
      403));
  EXPECT_TRUE(
      IsProblem(post("/v1/films", JsonObj().s("title", "x").i("duration_min", 90).str()), 401));
  EXPECT_TRUE(IsProblem(patch(film, JsonObj().s("title", "Mine now").str(), other.auth()), 403));
  EXPECT_TRUE(IsProblem(patch(film, JsonObj().s("title", "Mine now").str(), customer.auth()), 403));
  EXPECT_TRUE(IsProblem(del(film, "", other.auth()), 403));
  EXPECT_EQ(json_string(get(film), "title"), title) << "refused writes changed nothing";

  // Bad input.
  EXPECT_TRUE(IsProblem(post("/v1/films",
                             JsonObj()
                                 .s("title", "x")
                                 .i("duration_min", 90)
                                 .s("poster_url", "javascript:alert(1)")
                                 .str(),
                             owner.auth()),
                        400));
  EXPECT_TRUE(IsProblem(
      post("/v1/films", JsonObj().s("title", "x").i("duration_min", 601).str(), owner.auth()),
      400));
  // One film per owner and title; another owner may use the same title.
  EXPECT_TRUE(IsProblem(
      post("/v1/films", JsonObj().s("title", title).i("duration_min", 90).str(), owner.auth()),
      409));
  EXPECT_GT(create_film(other, title), 0);

  // The owner edits (null clears), an admin too.
  HttpResponse edited = patch(
      film,
      JsonObj().s("title", title + " (restored)").i("duration_min", 148).null("poster_url").str(),
      owner.auth());
  ASSERT_EQ(edited.status, 200) << edited.describe();
  EXPECT_EQ(json_string(edited, "title"), title + " (restored)");
  EXPECT_EQ(json_int(edited, "duration_min").value_or(0), 148);
  rapidjson::Document d = get(film).json();
  ASSERT_TRUE(d.IsObject());
  EXPECT_TRUE(d["poster_url"].IsNull());
  EXPECT_EQ(patch(film, JsonObj().s("rating", "12").str(), admin.auth()).status, 200);
  EXPECT_EQ(json_string(get(film), "rating"), "12");
  EXPECT_GE(audit_count("film", id), 3) << "create and two updates are audited";

  EXPECT_EQ(del(film, "", owner.auth()).status, 204);
  EXPECT_TRUE(IsProblem(get(film), 404));
  EXPECT_TRUE(IsProblem(patch(film, JsonObj().s("rating", "12").str(), owner.auth()), 404));
}

TEST(Films, DeleteIsRefusedWhileShowsScreenTheFilm) {
  Venue v = make_venue(2, 2);
  const int64_t film = create_film(v.owner, "Nosferatu " + unique_token());
  HttpResponse show = post_show(v.owner, v.hall_id, slot(1), JsonObj().i("film_id", film));
  ASSERT_EQ(show.status, 201) << show.describe();
  const int64_t show_id = json_int(show, "id").value_or(0);
  EXPECT_TRUE(IsProblem(del(path("/v1/films/", film), "", v.owner.auth()), 409));
  EXPECT_EQ(get(path("/v1/films/", film)).status, 200);
  ASSERT_EQ(del(path("/v1/shows/", show_id), "", v.owner.auth()).status, 204);
  EXPECT_EQ(del(path("/v1/films/", film), "", v.owner.auth()).status, 204);
}

// ------------------------------------------------------------------ public reads

TEST(Films, ListIsCursorPaginatedAndFilteredByTitle) {
  Actor owner = new_owner("film-list");
  const std::string token = unique_token("fl");
  std::set<int64_t> made;
  for (int i = 0; i < 5; ++i) made.insert(create_film(owner, "Reel " + std::to_string(i) + token));
  create_film(owner, "Unrelated " + unique_token());

  std::set<int64_t> seen;
  std::string url = "/v1/films?limit=2&q=" + url_encode(token);
  int pages = 0;
  while (true) {
    HttpResponse r = get(url);
    ASSERT_EQ(r.status, 200) << r.describe();
    std::vector<int64_t> ids = item_ids(r);
    EXPECT_LE(ids.size(), 2u);
    for (int64_t id : ids) EXPECT_TRUE(seen.insert(id).second) << "film " << id << " twice";
    ++pages;
    rapidjson::Document d = r.json();
    ASSERT_TRUE(d.IsObject() && d.HasMember("next_cursor"));
    if (d["next_cursor"].IsNull()) break;
    ASSERT_LT(pages, 10);
    url = "/v1/films?limit=2&q=" + url_encode(token) +
          "&cursor=" + url_encode(d["next_cursor"].GetString());
  }
  EXPECT_EQ(seen, made);
  EXPECT_EQ(pages, 3);
  EXPECT_TRUE(IsProblem(get("/v1/films?limit=0"), 400));
  EXPECT_TRUE(IsProblem(get("/v1/films?cursor=garbage"), 400));
  EXPECT_TRUE(IsProblem(get("/v1/films?city=x"), 400));
  EXPECT_TRUE(IsProblem(get(path("/v1/films/", kMissingId)), 404));
}

TEST(Films, ShowsOfAFilmAreItsUpcomingScheduledOnesPaginated) {
  Venue v = make_venue(2, 2);
  const int64_t film = create_film(v.owner, "Sunrise " + unique_token());
  std::vector<int64_t> shows;
  for (int i = 0; i < 4; ++i) {
    HttpResponse r = post_show(v.owner, v.hall_id, slot(10 + i), JsonObj().i("film_id", film));
    ASSERT_EQ(r.status, 201) << r.describe();
    shows.push_back(json_int(r, "id").value_or(0));
  }
  // One cancelled, one already started: not upcoming.
  sql_exec("UPDATE shows SET status = 'CANCELLED' WHERE id = ?", shows[1]);
  start_show_now(shows[3]);

  HttpResponse first = get(path("/v1/films/", film, "/shows?limit=1"));
  ASSERT_EQ(first.status, 200) << first.describe();
  ASSERT_EQ(item_ids(first), std::vector<int64_t>{shows[0]});
  rapidjson::Document d = first.json();
  ASSERT_TRUE(d["next_cursor"].IsString()) << first.describe();
  const auto& item = d["items"][0];
  EXPECT_EQ(item["film_id"].GetInt64(), film);
  EXPECT_EQ(item["film"]["duration_min"].GetInt64(), 95);
  HttpResponse second = get(path("/v1/films/", film, "/shows?limit=1&cursor=") +
                            url_encode(d["next_cursor"].GetString()));
  ASSERT_EQ(second.status, 200) << second.describe();
  EXPECT_EQ(item_ids(second), std::vector<int64_t>{shows[2]});
  EXPECT_TRUE(second.json()["next_cursor"].IsNull()) << second.describe();
  EXPECT_TRUE(IsProblem(get(path("/v1/films/", kMissingId, "/shows")), 404));
}

// ------------------------------------------------------------------ shows and films

TEST(Films, AShowByTitleOnlyGetsItsOwnersFilmOfThatTitle) {
  Venue v = make_venue(2, 2);
  Venue other = make_venue(2, 2);
  const std::string title = "Vertigo " + unique_token();
  HttpResponse a = post_show(v.owner, v.hall_id, slot(20), JsonObj().s("title", title));
  ASSERT_EQ(a.status, 201) << a.describe();
  rapidjson::Document da = a.json();
  ASSERT_TRUE(da["film_id"].IsInt64()) << a.describe();
  const int64_t film = da["film_id"].GetInt64();
  EXPECT_STREQ(da["film"]["title"].GetString(), title.c_str());
  EXPECT_EQ(da["film"]["duration_min"].GetInt64(), 120) << "the show's length";
  EXPECT_EQ(json_int(get(path("/v1/films/", film)), "owner_id").value_or(0), v.owner.id());

  // The same title again: the same film. Another owner: a film of their own.
  HttpResponse b = post_show(v.owner, v.hall_id, slot(21), JsonObj().s("title", title));
  ASSERT_EQ(b.status, 201) << b.describe();
  EXPECT_EQ(json_int(b, "film_id").value_or(0), film);
  HttpResponse c = post_show(other.owner, other.hall_id, slot(21), JsonObj().s("title", title));
  ASSERT_EQ(c.status, 201) << c.describe();
  EXPECT_NE(json_int(c, "film_id").value_or(film), film);

  // The catalogue shows the film.
  rapidjson::Document shown = get(path("/v1/shows/", json_int(b, "id").value_or(0))).json();
  ASSERT_TRUE(shown.IsObject());
  EXPECT_EQ(shown["film_id"].GetInt64(), film);
  EXPECT_STREQ(shown["film"]["title"].GetString(), title.c_str());

  // A new title moves the show to the owner's film of that title.
  HttpResponse renamed = patch(path("/v1/shows/", json_int(b, "id").value_or(0)),
                               JsonObj().s("title", title + " II").str(), v.owner.auth());
  ASSERT_EQ(renamed.status, 200) << renamed.describe();
  EXPECT_NE(json_int(renamed, "film_id").value_or(film), film);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM films WHERE owner_id = ? AND title = ?", v.owner.id(),
                    title + " II"),
            1);
}

TEST(Films, AShowGivenAFilmTakesItsTitleAndOnlyFromItsOwner) {
  Venue v = make_venue(2, 2);
  Actor stranger = new_owner("film-stranger");
  Actor admin = new_admin("film-admin");
  const std::string title = "Playtime " + unique_token();
  const int64_t film = create_film(v.owner, title, 124, R"("rating":"U")");
  const int64_t foreign = create_film(stranger, "Foreign " + unique_token());

  HttpResponse r = post_show(v.owner, v.hall_id, slot(30), JsonObj().i("film_id", film));
  ASSERT_EQ(r.status, 201) << r.describe();
  EXPECT_EQ(json_string(r, "title"), title);
  rapidjson::Document d = r.json();
  EXPECT_STREQ(d["film"]["rating"].GetString(), "U");
  EXPECT_EQ(d["film"]["duration_min"].GetInt64(), 124);

  EXPECT_TRUE(
      IsProblem(post_show(v.owner, v.hall_id, slot(31), JsonObj().i("film_id", foreign)), 403))
      << "another owner's film";
  EXPECT_TRUE(
      IsProblem(post_show(v.owner, v.hall_id, slot(31), JsonObj().i("film_id", kMissingId)), 404));
  EXPECT_TRUE(IsProblem(post_show(v.owner, v.hall_id, slot(31), JsonObj()), 400))
      << "neither film_id nor title";
  EXPECT_TRUE(IsProblem(patch(path("/v1/shows/", json_int(r, "id").value_or(0)),
                              JsonObj().i("film_id", foreign).str(), v.owner.auth()),
                        403));
  // An admin may put any film on any show.
  HttpResponse moved = patch(path("/v1/shows/", json_int(r, "id").value_or(0)),
                             JsonObj().i("film_id", foreign).str(), admin.auth());
  ASSERT_EQ(moved.status, 200) << moved.describe();
  EXPECT_EQ(json_int(moved, "film_id").value_or(0), foreign);
}

TEST(Films, SearchFindsShowsByTheirFilmsTitle) {
  Venue v = make_venue(2, 2);
  const std::string film_title = "Zeppelin" + unique_token("z");
  const std::string show_title = "Late screening " + unique_token("s");
  const int64_t film = create_film(v.owner, film_title);
  HttpResponse r =
      post_show(v.owner, v.hall_id, slot(40), JsonObj().i("film_id", film).s("title", show_title));
  ASSERT_EQ(r.status, 201) << r.describe();
  const int64_t show = json_int(r, "id").value_or(0);
  EXPECT_EQ(json_string(r, "title"), show_title) << "an explicit title stays the show's";

  HttpResponse by_film = get("/v1/search/shows?q=" + url_encode(film_title));
  ASSERT_EQ(by_film.status, 200) << by_film.describe();
  EXPECT_EQ(item_ids(by_film), std::vector<int64_t>{show});
  HttpResponse by_show = get("/v1/search/shows?q=" + url_encode(show_title));
  EXPECT_EQ(item_ids(by_show), std::vector<int64_t>{show});
  // A renamed film is found by its new title at once (the catalogue cache is invalidated).
  ASSERT_EQ(patch(path("/v1/films/", film), JsonObj().s("title", film_title + "Neu").str(),
                  v.owner.auth())
                .status,
            200);
  EXPECT_EQ(item_ids(get("/v1/search/shows?q=" + url_encode(film_title + "Neu"))),
            std::vector<int64_t>{show});
}

// The previous release's owner-shows inserts shows without film_id: the
// schema gives them their owner's film of that title, and a show whose
// film_id is still NULL reads with its own title and gets a film on its next write.
TEST(Films, ShowsWrittenWithoutAFilmStillWork) {
  Venue v = make_venue(2, 2);
  const std::string title = "Legacy " + unique_token();
  const int64_t id = stack_db().transaction([&](cinema::Session& s) -> int64_t {
    s.exec(
        "INSERT INTO shows (hall_id, title, starts_at, ends_at, base_price_cents, currency) "
        "VALUES (?, ?, NOW() + INTERVAL 90 DAY, NOW() + INTERVAL 90 DAY + INTERVAL 100 MINUTE, "
        "700, 'EUR')",
        v.hall_id, title);
    return s.last_insert_id();
  });
  ASSERT_EQ(sql_int("SELECT COUNT(*) FROM shows WHERE id = ? AND title = ?", id, title), 1)
      << "LAST_INSERT_ID() is still the show's";
  const int64_t film = sql_int("SELECT film_id FROM shows WHERE id = ?", id);
  ASSERT_GT(film, 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM films WHERE id = ? AND owner_id = ? AND title = ? "
                    "AND duration_min = 100",
                    film, v.owner.id(), title),
            1);

  sql_exec("UPDATE shows SET film_id = NULL WHERE id = ?", id);
  rapidjson::Document shown = get(path("/v1/shows/", id)).json();
  ASSERT_TRUE(shown.IsObject());
  EXPECT_TRUE(shown["film"].IsNull());
  EXPECT_STREQ(shown["title"].GetString(), title.c_str());
  EXPECT_EQ(item_ids(get("/v1/search/shows?q=" + url_encode(title))), std::vector<int64_t>{id});
  HttpResponse touched =
      patch(path("/v1/shows/", id), JsonObj().i("base_price_cents", 800).str(), v.owner.auth());
  ASSERT_EQ(touched.status, 200) << touched.describe();
  EXPECT_EQ(json_int(touched, "film_id").value_or(0), film);
}

}  // namespace
}  // namespace itest
