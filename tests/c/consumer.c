/* A C99 program on the installed gunpp.h and libgunpp.so: it writes a node,
 * reads it back three ways, subscribes, and checks an error, so that the
 * header compiles as C and the library links and runs from C. Exits 0 when
 * every check holds, else prints the first that failed and exits 1. */
#include <gunpp/gunpp.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) {                                                   \
      fprintf(stderr, "consumer.c:%d: %s (%s)\n", __LINE__, #cond,   \
              gunpp_last_error());                                   \
      ++failures;                                                    \
    }                                                                \
  } while (0)

struct seen {
  int changes;
  int puts;
  int status;
};

static void on_change(void* user, const gunpp_change* change) {
  struct seen* s = (struct seen*)user;
  if (change->key.size == 4 && memcmp(change->key.data, "name", 4) == 0) {
    ++s->changes;
  }
}

static void on_put(void* user, const gunpp_put_result* result) {
  struct seen* s = (struct seen*)user;
  ++s->puts;
  s->status = result->status;
}

int main(void) {
  gunpp_options options = GUNPP_OPTIONS_INIT;
  gunpp_peer* peer = NULL;
  gunpp_field fields[2] = {{GUNPP_STR("name"), GUNPP_TEXT("Alice"), 0},
                           {GUNPP_STR("age"), GUNPP_TEXT("41"), 0}};
  gunpp_node* node = NULL;
  gunpp_buf json = {NULL, 0};
  struct seen seen = {0, 0, -1};
  uint64_t sub = 0;

  CHECK(strcmp(gunpp_version(), "0.1.0") == 0);
  CHECK(gunpp_open(&options, &peer) == GUNPP_OK);
  if (peer == NULL) return 1;
  CHECK(gunpp_subscribe(peer, GUNPP_STR("alice"), on_change, &seen, &sub) ==
        GUNPP_OK);
  CHECK(gunpp_write(peer, GUNPP_STR("alice"), fields, 2, on_put, &seen) ==
        GUNPP_OK);
  CHECK(gunpp_run_until_idle(peer) == GUNPP_OK);
  CHECK(seen.puts == 1 && seen.status == GUNPP_OK);
  CHECK(seen.changes == 1);

  CHECK(gunpp_get(peer, GUNPP_STR("alice"), &node) == GUNPP_OK);
  CHECK(node != NULL && node->count == 2);
  if (node != NULL) {
    CHECK(node->fields[0].value.kind == GUNPP_STRING);
    CHECK(node->fields[0].value.text.size == 5);
    CHECK(memcmp(node->fields[0].value.text.data, "Alice", 5) == 0);
  }
  gunpp_node_free(node);

  CHECK(gunpp_get_json(peer, GUNPP_STR("alice"), GUNPP_JSON_PLAIN, &json) ==
        GUNPP_OK);
  CHECK(json.data != NULL &&
        strcmp(json.data, "{\"name\":\"Alice\",\"age\":\"41\"}") == 0);
  gunpp_buf_free(&json);

  CHECK(gunpp_get(peer, GUNPP_STR("nobody"), &node) == GUNPP_NOT_FOUND);
  CHECK(strcmp(gunpp_last_error(), "no node nobody") == 0);
  CHECK(gunpp_write(peer, GUNPP_STR(""), fields, 2, NULL, NULL) ==
        GUNPP_INVALID_ARGUMENT);
  CHECK(gunpp_unsubscribe(peer, sub) == GUNPP_OK);
  gunpp_close(peer);
  if (failures == 0) printf("consumer.c: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
