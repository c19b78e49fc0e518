/* arena.c: tensors alive at the same time never share bytes, offsets are 16-byte aligned, the
 * size covers every tensor, and the greedy placement (largest first, lowest offset) gives the
 * expected layout on small cases. */
#include <stdlib.h>
#include "arena.h"
#include "test_compiler_util.h"

static int overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
    return a0 <= b1 && b0 <= a1;
}

/* Every invariant of a plan; returns its size. */
static uint64_t plan_checked(const mica_arena_item_t *it, int n, uint64_t *off) {
    uint64_t size = mica_plan_arena(it, n, off);
    CHECK(size != UINT64_MAX && size % 16 == 0, "size %llu", (unsigned long long)size);
    for (int i = 0; i < n; i++) {
        CHECK(off[i] % 16 == 0 && off[i] + it[i].bytes <= size, "item %d at %llu", i,
              (unsigned long long)off[i]);
        for (int j = 0; j < i; j++)
            if (overlap(it[i].first, it[i].last, it[j].first, it[j].last))
                CHECK(!overlap((int64_t)off[i], (int64_t)(off[i] + it[i].bytes) - 1,
                               (int64_t)off[j], (int64_t)(off[j] + it[j].bytes) - 1),
                      "items %d and %d alive together share bytes", i, j);
    }
    return size;
}

static void small_cases(void) {
    uint64_t off[4];
    /* A chain: in -> a -> out. a and the input never live with out's successor: reuse. */
    mica_arena_item_t chain[3] = {{-1, 0, 100}, {0, 1, 50}, {1, 2, 100}};
    CHECK(plan_checked(chain, 3, off) == 176, "chain size");
    CHECK(off[0] == 0 && off[2] == 0 && off[1] == 112,
          "chain: the two 100-byte tensors share offset 0, a goes above (%llu %llu %llu)",
          (unsigned long long)off[0], (unsigned long long)off[1], (unsigned long long)off[2]);
    /* All alive together: stacked by size, largest first. */
    mica_arena_item_t all[3] = {{0, 5, 10}, {0, 5, 40}, {0, 5, 20}};
    CHECK(plan_checked(all, 3, off) == 48 + 32 + 16, "stacked size");
    CHECK(off[1] == 0 && off[2] == 48 && off[0] == 80, "largest first");
    /* Equal sizes: the lower index first (deterministic). */
    mica_arena_item_t same[2] = {{0, 1, 32}, {1, 2, 32}};
    plan_checked(same, 2, off);
    CHECK(off[0] == 0 && off[1] == 32, "equal sizes by index");
    /* A gap left by a dead tensor is reused by a later one that fits. */
    mica_arena_item_t gap[4] = {{0, 1, 64}, {0, 3, 64}, {2, 3, 32}, {2, 3, 16}};
    CHECK(plan_checked(gap, 4, off) == 128, "gap reused");
    CHECK(off[0] == 0 && off[1] == 64 && off[2] == 0 && off[3] == 32,
          "gap layout: 2 and 3 take the bytes 0 left");
    CHECK(mica_plan_arena(NULL, 0, off) == 0, "empty plan");
}

static void random_cases(void) {
    srand(11);
    for (int round = 0; round < 300; round++) {
        int n = 1 + rand() % 24;
        mica_arena_item_t it[24];
        uint64_t off[24], total = 0;
        for (int i = 0; i < n; i++) {
            int64_t a = rand() % 12 - 1, b = a + rand() % 5;
            it[i] = (mica_arena_item_t){a, b, (uint64_t)(1 + rand() % 300)};
            total += (it[i].bytes + 15) & ~15ull;
        }
        CHECK(plan_checked(it, n, off) <= total, "never more than every tensor side by side");
    }
}

int main(void) {
    small_cases();
    random_cases();
    return TEST_DONE("test_compiler_arena");
}
