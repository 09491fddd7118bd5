/*
 * pmr_pipeline.cc - a std::pmr container pipeline over an arena.
 *
 * The std::pmr containers take their memory from a std::pmr::memory_resource
 * given at construction; bump::memory_resource (<bump_alloc.hpp>) is one
 * over an arena.  Every container of a pipeline built over it - the vector,
 * each string in it, the hash map's nodes and buckets, their keys - takes
 * its memory from the arena; the containers' destructors still run (their
 * deallocations give back the newest block at most) and bump_reset then
 * takes everything back in one call for the next round, with the memory
 * already mapped and in the cache.  Only the resource changes: the code of
 * the pipeline is the same whichever resource it gets.
 *
 * The workload is a text pipeline run once per document, as a search or
 * analytics service runs it: split the text into lower-case words (a
 * pmr::vector of pmr::string), index where each word occurs (a
 * pmr::unordered_map of pmr::vector), count pairs of neighbouring words
 * (a pmr::unordered_map keyed by pmr::string), rank the most frequent and
 * write a summary (a pmr::string).  Documents of 2 to 6 KiB, each through
 * the whole pipeline, many times over.
 *
 *     c++ -std=c++17 -O2 pmr_pipeline.cc $(pkg-config --cflags --libs bump_alloc)
 *
 * Written in 2026 by the bump_alloc authors; CC0 1.0 (public domain).
 */
#include "example.h"

#include <bump_alloc.hpp>

#include <algorithm>
#include <memory_resource>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#if !BUMP_ALLOC_HAVE_PMR
# error "bump::memory_resource needs C++17 and <memory_resource>"
#endif

namespace {

/* Words longer than the strings' inline buffer, so that some allocate. */
const char *const long_words[] = {
	"internationalization", "representational", "characteristically",
	"telecommunications", "counterrevolutionary", "electroencephalograph",
};

/* The `top` most frequent keys of counts, ties broken by the key. */
template <class Map>
std::pmr::vector<std::pair<std::string_view, std::size_t>>
most_frequent(const Map &counts, std::size_t top,
    std::pmr::memory_resource *mr)
{
	std::pmr::vector<std::pair<std::string_view, std::size_t>> ranked(mr);

	ranked.reserve(counts.size());
	for (const auto &kv : counts)
		ranked.emplace_back(kv.first, kv.second);
	top = std::min(top, ranked.size());
	std::partial_sort(ranked.begin(), ranked.begin() + (long)top,
	    ranked.end(), [](const auto &a, const auto &b) {
		return a.second != b.second ? a.second > b.second :
		    a.first < b.first;
	});
	ranked.resize(top);
	return ranked;
}

/* One document through the pipeline, every container over mr. */
unsigned long
summarize(std::string_view doc, std::pmr::memory_resource *mr)
{
	/* 1. The words, lower case. */
	std::pmr::vector<std::pmr::string> words(mr);
	std::pmr::string word(mr);

	for (char c : doc) {
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			word += (char)(c | 0x20);
		} else if (!word.empty()) {
			words.push_back(std::move(word));
			word.clear();
		}
	}
	if (!word.empty())
		words.push_back(std::move(word));

	/* 2. An index: where each word occurs. */
	std::pmr::unordered_map<std::pmr::string, std::pmr::vector<unsigned>>
	    where(mr);
	for (unsigned i = 0; i < words.size(); i++)
		where[words[i]].push_back(i);

	/* 3. Pairs of neighbouring words, counted. */
	std::pmr::unordered_map<std::pmr::string, std::size_t> pairs(mr);
	std::pmr::string pair(mr);
	for (std::size_t i = 1; i < words.size(); i++) {
		pair = words[i - 1];
		pair += ' ';
		pair += words[i];
		++pairs[pair];
	}

	/* 4. A summary: the most frequent words and pairs. */
	std::pmr::unordered_map<std::string_view, std::size_t> counts(mr);
	for (const auto &kv : where)
		counts.emplace(kv.first, kv.second.size());
	std::pmr::string summary(mr);
	for (const auto &ranked : { most_frequent(counts, 5, mr),
	    most_frequent(pairs, 5, mr) })
		for (const auto &kv : ranked) {
			summary += kv.first;
			summary += '=';
			summary += std::to_string(kv.second);
			summary += ' ';
		}

	unsigned long digest = words.size() * 1000 + where.size() * 7 +
	    pairs.size();
	for (char c : summary)
		digest = digest * 31 + (unsigned char)c;
	return digest;
}

/* A document of 2 to 6 KiB of text (made once: not measured). */
std::string
make_document(uint32_t *seed)
{
	std::string doc;
	std::size_t want = 2048 + example_random(seed) % 4096;

	while (doc.size() < want) {
		if (example_random(seed) % 10 == 0)
			doc += long_words[example_random(seed) % 6];
		else
			doc += example_word(seed);
		doc += example_random(seed) % 12 == 0 ? ". " : " ";
	}
	return doc;
}

constexpr unsigned ndocs = 400;

/*
 * Every document through the pipeline `passes` times, over the default
 * resource (operator new and delete) when arena is null, else over the
 * arena, reset after each document; the digests' sum.
 */
unsigned long
run(const std::vector<std::string> &docs, unsigned passes, bump::arena *arena)
{
	unsigned long sum = 0;

	if (arena == nullptr) {
		for (unsigned pass = 0; pass < passes; pass++)
			for (const auto &doc : docs)
				sum += summarize(doc, std::pmr::get_default_resource());
		return sum;
	}
	bump::memory_resource over_arena(*arena);
	for (unsigned pass = 0; pass < passes; pass++)
		for (const auto &doc : docs) {
			sum += summarize(doc, &over_arena);
			arena->reset();		/* the document's memory, at once */
		}
	return sum;
}

} // namespace

int
main(int argc, char **argv)
{
	enum example_mode mode = example_mode(argc, argv);
	std::vector<std::string> docs;
	std::size_t bytes = 0;
	uint32_t seed = 17;
	bump::arena arena;	/* throws std::bad_alloc if it cannot be made */

	for (unsigned i = 0; i < ndocs; i++) {
		docs.push_back(make_document(&seed));
		bytes += docs.back().size();
	}
	if (mode == EXAMPLE_CHECK) {
		unsigned long with_new = run(docs, 1, nullptr);

		EXAMPLE_CHECK_THAT(run(docs, 1, &arena) == with_new);
		EXAMPLE_CHECK_THAT(arena.used() == 0);
		/* Too small an arena: std::bad_alloc, as from operator new. */
		bump::arena tiny(4096);
		bump::memory_resource over_tiny(tiny);
		bool threw = false;

		try {
			summarize(docs[0], &over_tiny);
		} catch (const std::bad_alloc &) {
			threw = true;
		}
		EXAMPLE_CHECK_THAT(threw);
		std::printf("pmr: %u documents (%zu bytes) through the pipeline, "
		    "the same over new/delete and over the arena (digest %lu)\n",
		    ndocs, bytes, with_new);
	} else {
		double start = example_seconds();

		EXAMPLE_CHECK_THAT(run(docs, 6,
		    mode == EXAMPLE_ARENA ? &arena : nullptr) != 0);
		example_report(mode, example_seconds() - start);
	}
	return 0;
}
