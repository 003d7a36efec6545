// Public catalogue reads: keyset search pagination stays stable while shows
// are added, and the catalogue cache invalidates at once and honours ETags.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "catalog_owner_fixtures.h"
#include "fixtures.h"
#include "http_client.h"
#include "stack_env.h"

namespace itest {
namespace {

// ------------------------------------------------------------------ search pagination

TEST(CatalogOwner, SearchPaginationIsStableWhileShowsAreAdded) {
  Actor owner = new_owner("search");
  int64_t cinema = create_cinema(owner);
  int64_t hall = create_hall(owner, cinema, 2, 2);
  const std::string token = unique_token("srch");
  const int64_t h = 3600;
  // Initial shows every 6 hours from 10 days ahead; added shows go into the
  // gaps (before and after the cursor), before all, and after all.
  const int64_t base = (unix_now() / h + 24 * 10) * h;
  std::set<int64_t> initial;
  for (int i = 0; i < 25; ++i) {
    initial.insert(
        create_show(owner, hall, "Movie " + token + " #" + std::to_string(i), base + i * 6 * h, h));
  }
  int64_t early_slot = base - 3 * h;
  int gap = 0;
  int late = 0;
  auto add_more = [&](int page) {
    create_show(owner, hall, "Early " + token + " p" + std::to_string(page), early_slot, h);
    early_slot -= 3 * h;
    // Between two initial shows; 7 is coprime with 25, so no gap is used twice.
    const int64_t k = (7 * gap++ + 3) % 25;
    create_show(owner, hall, "Gap " + token + " p" + std::to_string(page), base + k * 6 * h + 3 * h,
                h);
    create_show(owner, hall, "Late " + token + " p" + std::to_string(page),
                base + (25 + late++) * 6 * h, h);
  };

  std::vector<int64_t> seen;
  std::string cursor;
  int pages = 0;
  for (; pages < 30; ++pages) {
    std::string url = "/v1/search/shows?q=" + token + "&limit=7";
    if (!cursor.empty()) url += "&cursor=" + url_encode(cursor);
    HttpResponse r = get(url);
    ASSERT_EQ(r.status, 200) << url << ": " << r.describe();
    auto doc = r.json();
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("items") && doc["items"].IsArray()) << r.describe();
    EXPECT_LE(doc["items"].Size(), 7u);
    for (const auto& item : doc["items"].GetArray()) {
      ASSERT_TRUE(item.HasMember("id") && item["id"].IsInt64());
      seen.push_back(item["id"].GetInt64());
      EXPECT_NE(std::string(item["title"].GetString()).find(token), std::string::npos);
    }
    if (!doc.HasMember("next_cursor") || doc["next_cursor"].IsNull()) break;
    ASSERT_TRUE(doc["next_cursor"].IsString());
    cursor = doc["next_cursor"].GetString();
    add_more(pages);
  }
  ASSERT_LT(pages, 30) << "pagination did not end";
  EXPECT_GE(pages + 1, 4) << "25 shows at 7 per page need at least 4 pages";

  std::map<int64_t, int> times;
  for (int64_t id : seen) ++times[id];
  for (const auto& [id, n] : times)
    EXPECT_EQ(n, 1) << "show " << id << " appeared " << n << " times";
  for (int64_t id : initial) {
    EXPECT_EQ(times.count(id), 1u) << "show " << id << " existed before paging but was skipped";
  }
  // The results are in (starts_at, id) order across pages.
  std::vector<std::pair<int64_t, int64_t>> order;
  for (int64_t id : seen)
    order.emplace_back(sql_int("SELECT UNIX_TIMESTAMP(starts_at) FROM shows WHERE id = ?", id), id);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "pages are not in start-time order";
}

// ------------------------------------------------------------------ cache and ETags

TEST(CatalogOwner, CatalogueCacheInvalidatesAtOnceAndHonoursETags) {
  Actor owner = new_owner("cache");
  int64_t cinema = create_cinema(owner, "Before " + unique_token());
  const std::string url = path("/v1/cinemas/", cinema);

  HttpResponse first = get(url);
  ASSERT_EQ(first.status, 200) << first.describe();
  HttpResponse second = get(url);
  ASSERT_EQ(second.status, 200) << second.describe();
  EXPECT_EQ(second.header("x-cache"), "HIT") << "the second read was not served from the cache";
  const std::string etag = second.header("etag");
  ASSERT_FALSE(etag.empty()) << second.describe();
  EXPECT_EQ(first.header("etag"), etag);

  HttpResponse not_modified = get(url, {{"If-None-Match", etag}});
  EXPECT_EQ(not_modified.status, 304) << not_modified.describe();
  EXPECT_TRUE(not_modified.body.empty());

  const std::string new_name = "After " + unique_token();
  ASSERT_EQ(patch(url, JsonObj().s("name", new_name).str(), owner.auth()).status, 200);
  HttpResponse after = get(url);
  ASSERT_EQ(after.status, 200) << after.describe();
  EXPECT_EQ(json_string(after, "name"), new_name) << "a stale cached cinema was served after PATCH";
  EXPECT_NE(after.header("etag"), etag);
  HttpResponse changed = get(url, {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200) << "the old ETag still matched after a change";
  EXPECT_EQ(json_string(changed, "name"), new_name);
  EXPECT_EQ(get(url, {{"If-None-Match", after.header("etag")}}).status, 304);

  // Lists and shows follow as well.
  int64_t hall = create_hall(owner, cinema, 2, 2);
  int64_t show = create_show(owner, hall, "Old title " + unique_token(), unix_now() + 50 * 86400);
  const std::string show_url = path("/v1/shows/", show);
  ASSERT_EQ(get(show_url).status, 200);
  ASSERT_EQ(get(show_url).status, 200);
  HttpResponse halls = get(path("/v1/cinemas/", cinema, "/halls"));
  ASSERT_EQ(halls.status, 200);
  const std::string new_title = "New title " + unique_token();
  ASSERT_EQ(patch(show_url, JsonObj().s("title", new_title).str(), owner.auth()).status, 200);
  EXPECT_EQ(json_string(get(show_url), "title"), new_title);
  int64_t hall2 = create_hall(owner, cinema, 1, 1);
  std::vector<int64_t> hall_ids = item_ids(get(path("/v1/cinemas/", cinema, "/halls")));
  EXPECT_NE(std::find(hall_ids.begin(), hall_ids.end(), hall2), hall_ids.end())
      << "a new hall is missing from the cached hall list";
}

}  // namespace
}  // namespace itest
