/*
 * protobuf_arena.c - protobuf-c messages unpacked into an arena.
 *
 * Unpacking a message with protobuf-c allocates the message, each string,
 * each nested message and each repeated field's array separately, and
 * protobuf_c_message_free_unpacked walks the message again to free them
 * one by one.  Every unpack function takes a ProtobufCAllocator: give it
 * one over an arena and the whole message lands there, and once the
 * message has been handled bump_reset drops it in one call, without the
 * walk.  free_unpacked is never called; the allocator's free is a no-op
 * (protobuf-c frees its scratch arrays through it while unpacking; they go
 * with the rest).
 *
 * The workload is what a service does with its requests: many small
 * messages (an order of some twenty fields, 140 to 490 bytes on the wire),
 * each unpacked, read and dropped before the next.
 *
 *     protoc-c --c_out=. message.proto
 *     cc -O2 -I. protobuf_arena.c message.pb-c.c \
 *         $(pkg-config --cflags --libs bump_alloc libprotobuf-c)
 *
 * Written in 2026 by the bump_alloc authors; CC0 1.0 (public domain).
 */
#include "example.h"

#include <bump_alloc.h>
#include <protobuf-c/protobuf-c.h>

#include "message.pb-c.h"

/* ---- The adapter ---------------------------------------------------- */

static void *
arena_alloc(void *allocator_data, size_t size)
{
	return bump_malloc((bump_t *)allocator_data, size);
}

static void
arena_free(void *allocator_data, void *pointer)
{
	(void)allocator_data;	/* dropped with the arena (bump_reset) */
	(void)pointer;
}

/* ---- The workload --------------------------------------------------- */

#define NMESSAGES 1000

struct wire {
	uint8_t *data;
	size_t len;
};

/* Pack order number i into w (made once, with malloc: not measured). */
static void
make_message(struct wire *w, unsigned i, uint32_t *seed)
{
	Shop__Order order = SHOP__ORDER__INIT;
	Shop__Address address = SHOP__ADDRESS__INIT;
	Shop__LineItem items[8], *item_ptrs[8];
	char text[8][2][64], customer[64], email[64], street[64];
	char *tags[4];

	order.id = 100000 + i;
	snprintf(customer, sizeof customer, "%s %s", example_word(seed),
	    example_word(seed));
	snprintf(email, sizeof email, "%s.%u@example.org", example_word(seed), i);
	snprintf(street, sizeof street, "%u %s street", i % 300,
	    example_word(seed));
	order.customer = customer;
	order.email = email;
	address.street = street;
	address.city = (char *)example_word(seed);
	address.postcode = (char *)"12345";
	order.shipping = &address;
	order.n_items = 2 + example_random(seed) % 7;
	for (size_t k = 0; k < order.n_items; k++) {
		shop__line_item__init(&items[k]);
		snprintf(text[k][0], sizeof text[k][0], "SKU-%05u-%zu",
		    (unsigned)(example_random(seed) % 100000), k);
		snprintf(text[k][1], sizeof text[k][1], "%s %s %s",
		    example_word(seed), example_word(seed), example_word(seed));
		items[k].sku = text[k][0];
		items[k].description = text[k][1];
		items[k].quantity = 1 + example_random(seed) % 5;
		items[k].price_cents = 99 + example_random(seed) % 10000;
		item_ptrs[k] = &items[k];
	}
	order.items = item_ptrs;
	order.n_tags = example_random(seed) % 5;
	for (size_t k = 0; k < order.n_tags; k++)
		tags[k] = (char *)example_word(seed);
	order.tags = tags;
	w->len = shop__order__get_packed_size(&order);
	w->data = malloc(w->len);
	EXAMPLE_CHECK_THAT(w->data != NULL);
	EXAMPLE_CHECK_THAT(shop__order__pack(&order, w->data) == w->len);
}

/* What a handler reads from an order: its total, in cents. */
static int64_t
order_total(const Shop__Order *order)
{
	int64_t total = 0;

	for (size_t k = 0; k < order->n_items; k++)
		total += (int64_t)order->items[k]->quantity *
		    order->items[k]->price_cents;
	return total + (int64_t)strlen(order->shipping->city) +
	    (int64_t)order->n_tags;
}

/*
 * Unpack every message `passes` times, read it, drop it: with malloc
 * (arena NULL) or into the arena.  The sum of the totals.
 */
static int64_t
run(const struct wire *msgs, unsigned passes, bump_t *arena)
{
	ProtobufCAllocator over_arena = { arena_alloc, arena_free, arena };
	int64_t sum = 0;

	for (unsigned pass = 0; pass < passes; pass++) {
		for (unsigned i = 0; i < NMESSAGES; i++) {
			Shop__Order *order = shop__order__unpack(
			    arena != NULL ? &over_arena : NULL,
			    msgs[i].len, msgs[i].data);

			EXAMPLE_CHECK_THAT(order != NULL);
			EXAMPLE_CHECK_THAT(order->id == 100000 + i);
			sum += order_total(order);
			if (arena != NULL)
				bump_reset(arena);	/* the whole message */
			else
				shop__order__free_unpacked(order, NULL);
		}
	}
	return sum;
}

int
main(int argc, char **argv)
{
	enum example_mode mode = example_mode(argc, argv);
	static struct wire msgs[NMESSAGES];
	uint32_t seed = 19;
	bump_t *arena = bump_create(0, 0);
	size_t bytes = 0;
	double start;

	EXAMPLE_CHECK_THAT(arena != NULL);
	for (unsigned i = 0; i < NMESSAGES; i++) {
		make_message(&msgs[i], i, &seed);
		bytes += msgs[i].len;
	}
	if (mode == EXAMPLE_CHECK) {
		int64_t with_malloc = run(msgs, 2, NULL);

		EXAMPLE_CHECK_THAT(run(msgs, 2, arena) == with_malloc);
		EXAMPLE_CHECK_THAT(bump_used(arena) == 0);
		/* A message that does not fit the arena: NULL, no crash. */
		bump_t *tiny = bump_create(4096, 0);
		ProtobufCAllocator over_tiny = { arena_alloc, arena_free, tiny };
		size_t big = 0;

		for (unsigned i = 1; i < NMESSAGES; i++)
			if (msgs[i].len > msgs[big].len)
				big = i;
		EXAMPLE_CHECK_THAT(tiny != NULL);
		while (bump_malloc(tiny, 64) != NULL)
			;	/* fill it up */
		EXAMPLE_CHECK_THAT(shop__order__unpack(&over_tiny,
		    msgs[big].len, msgs[big].data) == NULL);
		bump_destroy(tiny);
		printf("protobuf-c: %u orders (%zu bytes) unpacked twice, totals "
		    "the same with malloc and with the arena (%lld)\n",
		    NMESSAGES, bytes, (long long)with_malloc);
	} else {
		start = example_seconds();
		EXAMPLE_CHECK_THAT(run(msgs, 300,
		    mode == EXAMPLE_ARENA ? arena : NULL) != 0);
		example_report(mode, example_seconds() - start);
	}
	for (unsigned i = 0; i < NMESSAGES; i++)
		free(msgs[i].data);
	bump_destroy(arena);
	return 0;
}
