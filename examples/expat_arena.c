/*
 * expat_arena.c - XML documents parsed into an arena with expat.
 *
 * expat takes its memory from an XML_Memory_Handling_Suite given to
 * XML_ParserCreate_MM: malloc(size), realloc(ptr, size) and free(ptr),
 * the C library's signatures.  Two things to know when they go to an
 * arena:
 *
 *   - the suite's functions get no context pointer, so they find the
 *     arena in a variable of the thread (one parse at a time per thread;
 *     a parse on another thread has its own);
 *   - realloc is not told the old size, and need not be: bump_realloc
 *     grows the newest block in place and copies any other one (what it
 *     copies is bounded by the new size and the end of the arena's used
 *     memory, never past them).
 *
 * Here the parser and the tree the handlers build (elements, attributes,
 * text) share one arena: XML_ParserFree's frees cost nothing, the tree is
 * read after the parser is gone, and bump_reset drops both at once instead
 * of a walk that frees every node.
 *
 * The workload is a service that receives XML documents (feeds of 10 to
 * 40 entries, 4 to 17 KiB each), parses each into a tree, reads it and
 * drops it.
 *
 *     cc -O2 expat_arena.c $(pkg-config --cflags --libs bump_alloc expat)
 *
 * Written in 2026 by the bump_alloc authors; CC0 1.0 (public domain).
 */
#include "example.h"

#include <bump_alloc.h>
#include <expat.h>


/* ---- The adapter ---------------------------------------------------- */

/* The arena expat allocates from in this thread (see above). */
static _Thread_local bump_t *parse_arena;

static void *
arena_xml_malloc(size_t size)
{
	return bump_malloc(parse_arena, size);
}

static void *
arena_xml_realloc(void *ptr, size_t size)
{
	return bump_realloc(parse_arena, ptr, size);
}

static void
arena_xml_free(void *ptr)
{
	bump_free(parse_arena, ptr);	/* the newest block only */
}

static const XML_Memory_Handling_Suite arena_suite = {
	arena_xml_malloc, arena_xml_realloc, arena_xml_free
};

/* ---- The tree, over the arena or over malloc ------------------------ */

struct node {
	char *name;
	char **attrs;			/* name, value, ..., NULL */
	char *text;			/* character data, NUL-terminated */
	size_t text_len;
	struct node *parent, *children, *last_child, *next;
};

struct builder {
	bump_t *arena;			/* NULL: malloc */
	XML_Parser parser;
	struct node *root, *current;
	int failed;			/* out of memory: the parse is stopped */
};

static void *
tree_alloc(struct builder *tb, size_t size)
{
	void *p = tb->arena != NULL ? bump_malloc(tb->arena, size) : malloc(size);

	if (p == NULL && !tb->failed) {
		tb->failed = 1;
		XML_StopParser(tb->parser, XML_FALSE);
	}
	return p;
}

static char *
tree_strdup(struct builder *tb, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = tree_alloc(tb, n);

	return p != NULL ? memcpy(p, s, n) : NULL;
}

static void XMLCALL
on_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
	struct builder *tb = data;
	struct node *n;
	size_t nattrs = 0, i;

	if (tb->failed || (n = tree_alloc(tb, sizeof *n)) == NULL)
		return;
	/* Linked in first: tree_free finds whatever the node gets. */
	memset(n, 0, sizeof *n);
	n->parent = tb->current;
	if (tb->current == NULL)
		tb->root = n;
	else if (tb->current->last_child == NULL)
		tb->current->children = tb->current->last_child = n;
	else
		tb->current->last_child = tb->current->last_child->next = n;
	tb->current = n;
	n->name = tree_strdup(tb, name);
	while (attrs[nattrs] != NULL)
		nattrs++;
	if ((n->attrs = tree_alloc(tb, (nattrs + 1) * sizeof *n->attrs)) == NULL)
		return;
	for (i = 0; i < nattrs; i++)
		if ((n->attrs[i] = tree_strdup(tb, attrs[i])) == NULL)
			break;
	n->attrs[i] = NULL;
}

static void XMLCALL
on_end(void *data, const XML_Char *name)
{
	struct builder *tb = data;

	(void)name;
	if (!tb->failed && tb->current != NULL)
		tb->current = tb->current->parent;
}

/* Text comes in pieces: each one extends the element's text. */
static void XMLCALL
on_text(void *data, const XML_Char *s, int len)
{
	struct builder *tb = data;
	struct node *n = tb->current;
	char *text;

	if (tb->failed || n == NULL || len <= 0)
		return;
	text = tb->arena != NULL ?
	    bump_realloc(tb->arena, n->text, n->text_len + (size_t)len + 1) :
	    realloc(n->text, n->text_len + (size_t)len + 1);
	if (text == NULL) {
		tb->failed = 1;
		XML_StopParser(tb->parser, XML_FALSE);
		return;
	}
	memcpy(text + n->text_len, s, (size_t)len);
	n->text_len += (size_t)len;
	text[n->text_len] = '\0';
	n->text = text;
}

/* The malloc way's end: a walk that frees every node. */
static void
tree_free(struct node *n)
{
	while (n != NULL) {
		struct node *next = n->next;

		tree_free(n->children);
		if (n->attrs != NULL)
			for (char **a = n->attrs; *a != NULL; a++)
				free(*a);
		free(n->attrs);
		free(n->name);
		free(n->text);
		free(n);
		n = next;
	}
}

/* ---- The workload --------------------------------------------------- */

/* What a reader takes from a document: elements, attributes, text. */
static unsigned long
tree_digest(const struct node *n)
{
	unsigned long sum = 0;

	for (; n != NULL; n = n->next) {
		sum += 1000 + strlen(n->name) + n->text_len;
		if (n->attrs != NULL)
			for (char **a = n->attrs; *a != NULL; a++)
				sum += 7 * strlen(*a);
		sum += tree_digest(n->children);
	}
	return sum;
}

/*
 * Parse doc into a tree over arena (or malloc, arena NULL), read it, drop
 * it; its digest, or 0 if it could not be parsed.
 */
static unsigned long
parse_document(bump_t *arena, const char *doc, size_t len)
{
	struct builder tb = { arena, NULL, NULL, NULL, 0 };
	XML_Parser parser;
	unsigned long digest = 0;
	int ok;

	parse_arena = arena;
	parser = arena != NULL ? XML_ParserCreate_MM(NULL, &arena_suite, NULL) :
	    XML_ParserCreate(NULL);
	if (parser == NULL)
		return 0;
	tb.parser = parser;
	XML_SetUserData(parser, &tb);
	XML_SetElementHandler(parser, on_start, on_end);
	XML_SetCharacterDataHandler(parser, on_text);
	ok = XML_Parse(parser, doc, (int)len, 1) == XML_STATUS_OK;
	XML_ParserFree(parser);
	if (ok && !tb.failed)
		digest = tree_digest(tb.root);	/* the tree outlives the parser */
	if (arena != NULL)
		bump_reset(arena);		/* parser and tree at once */
	else
		tree_free(tb.root);
	return digest;
}

#define NDOCS 300

/* A feed of 10 to 40 entries (made once, with malloc: not measured). */
static char *
make_document(size_t *len, uint32_t *seed)
{
	size_t cap = 64 * 1024, n = 0;
	char *doc = malloc(cap);
	unsigned entries = 10 + example_random(seed) % 31;

	EXAMPLE_CHECK_THAT(doc != NULL);
	n += (size_t)snprintf(doc + n, cap - n, "<?xml version=\"1.0\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
	    " <title>%s &amp; %s</title>\n", example_word(seed),
	    example_word(seed));
	for (unsigned e = 0; e < entries; e++) {
		n += (size_t)snprintf(doc + n, cap - n,
		    " <entry id=\"%u\" lang=\"en\">\n"
		    "  <title>%s %s %s</title>\n"
		    "  <author name=\"%s\" email=\"%s@example.org\"/>\n"
		    "  <category term=\"%s\"/><category term=\"%s\"/>\n"
		    "  <summary>", example_random(seed) % 100000,
		    example_word(seed), example_word(seed), example_word(seed),
		    example_word(seed), example_word(seed), example_word(seed),
		    example_word(seed));
		for (unsigned w = 10 + example_random(seed) % 30; w > 0; w--)
			n += (size_t)snprintf(doc + n, cap - n, "%s%s",
			    example_word(seed), w % 9 == 0 ? " &lt;b&gt; " : " ");
		n += (size_t)snprintf(doc + n, cap - n, "</summary>\n </entry>\n");
		EXAMPLE_CHECK_THAT(n < cap - 4096);
	}
	n += (size_t)snprintf(doc + n, cap - n, "</feed>\n");
	*len = n;
	return doc;
}

/* Parse every document `passes` times; the sum of the digests. */
static unsigned long
run(bump_t *arena, char **docs, const size_t *lens, unsigned passes)
{
	unsigned long sum = 0, digest;

	for (unsigned pass = 0; pass < passes; pass++)
		for (unsigned i = 0; i < NDOCS; i++) {
			digest = parse_document(arena, docs[i], lens[i]);
			EXAMPLE_CHECK_THAT(digest != 0);
			sum += digest;
		}
	return sum;
}

int
main(int argc, char **argv)
{
	enum example_mode mode = example_mode(argc, argv);
	static char *docs[NDOCS];
	static size_t lens[NDOCS];
	bump_t *arena = bump_create(0, 0);
	uint32_t seed = 1998;
	size_t bytes = 0;
	double start;

	EXAMPLE_CHECK_THAT(arena != NULL);
	for (unsigned i = 0; i < NDOCS; i++) {
		docs[i] = make_document(&lens[i], &seed);
		bytes += lens[i];
	}
	if (mode == EXAMPLE_CHECK) {
		unsigned long with_malloc = run(NULL, docs, lens, 1);

		EXAMPLE_CHECK_THAT(run(arena, docs, lens, 1) == with_malloc);
		EXAMPLE_CHECK_THAT(bump_used(arena) == 0);
		/* A document too big for its arena: an error, not a crash. */
		bump_t *tiny = bump_create(16 * 1024, 0);

		EXAMPLE_CHECK_THAT(tiny != NULL);
		EXAMPLE_CHECK_THAT(parse_document(tiny, docs[0], lens[0]) == 0);
		bump_destroy(tiny);
		printf("expat: %u documents (%zu bytes) parsed into trees, the "
		    "same with malloc and with the arena (digest %lu)\n",
		    NDOCS, bytes, with_malloc);
	} else {
		start = example_seconds();
		EXAMPLE_CHECK_THAT(run(mode == EXAMPLE_ARENA ? arena : NULL,
		    docs, lens, 8) != 0);
		example_report(mode, example_seconds() - start);
	}
	for (unsigned i = 0; i < NDOCS; i++)
		free(docs[i]);
	bump_destroy(arena);
	return 0;
}
