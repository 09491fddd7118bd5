/*
 * bump_alloc.hpp - bump allocation arenas for C++ (C++11 and later).
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 *
 *   bump::arena            a move-only owner of a bump_t (RAII)
 *   bump::allocator<T>     an allocator for the standard containers
 *   bump::memory_resource  a std::pmr::memory_resource (C++17, where the
 *                          library has <memory_resource>)
 *   bump::scope            bump_mark() now, bump_rewind() at the end of scope
 *   bump::make<T>(b, ...)  a T built in the arena, destroyed with it (also
 *   bump::make_array<T>    arena.make<T>(...), arena.make_array<T>(n))
 *   bump::scratch          the thread's scratch arena, rewound at the end
 *                          of scope
 *
 * See bump_alloc.hpp(3).  Link as for C: pkg-config --libs bump_alloc.
 */
#ifndef BUMP_ALLOC_HPP
#define BUMP_ALLOC_HPP

#include <bump_alloc.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#if __cplusplus >= 201703L && defined(__has_include)
# if __has_include(<memory_resource>)
#  include <memory_resource>
# endif
#endif
/* 1 when bump::memory_resource is declared. */
#if defined(__cpp_lib_memory_resource) && __cpp_lib_memory_resource >= 201603L
# define BUMP_ALLOC_HAVE_PMR 1
#else
# define BUMP_ALLOC_HAVE_PMR 0
#endif

/* [[nodiscard]] where the language has it (C++17). */
#if __cplusplus >= 201703L
# define BUMP_NODISCARD_ [[nodiscard]]
#else
# define BUMP_NODISCARD_
#endif

namespace bump {

namespace detail {

template <class T>
void
destroy_one(void *p) noexcept
{
	static_cast<T *>(p)->~T();
}

/* Where make_array keeps an array's length: just below its first element. */
inline std::size_t *
length_of(void *array) noexcept
{
	return reinterpret_cast<std::size_t *>(static_cast<char *>(array) -
	    sizeof(std::size_t));
}

/* Destroy the elements of a make_array array, the last first. */
template <class T>
void
destroy_array(void *p) noexcept
{
	T *a = static_cast<T *>(p);

	for (std::size_t n = *length_of(p); n > 0; n--)
		a[n - 1].~T();
}

/*
 * A construction failed: the arena goes back to the mark, which also runs
 * the cleanups registered since (objects the constructor made in the
 * arena).  Not in a BUMP_THREADSAFE arena, whose rewind would need the
 * other threads stopped: its bytes stay, and what was made there is
 * destroyed with the arena.
 */
inline void
undo(bump_t *b, bump_mark_t mark) noexcept
{
	if ((bump_flags(b) & BUMP_THREADSAFE) == 0)
		bump_rewind(b, mark);
}

/* Register fn(p) on b, or destroy p, undo and throw std::bad_alloc. */
inline void
own(bump_t *b, void *p, void (*fn)(void *), bump_mark_t mark)
{
	if (bump_cleanup_add(b, fn, p) == nullptr) {
		fn(p);
		undo(b, mark);
		throw std::bad_alloc();
	}
}

/* A trivially destructible T needs no cleanup: nothing is registered. */
template <class T>
void
own_one(bump_t *, T *, bump_mark_t, std::true_type) noexcept
{
}

template <class T>
void
own_one(bump_t *b, T *p, bump_mark_t mark, std::false_type)
{
	own(b, p, destroy_one<T>, mark);
}

/* n value-initialized T at p; if one throws, the others are destroyed. */
template <class T>
void
construct_n(bump_t *b, T *p, std::size_t n, bump_mark_t mark)
{
	std::size_t i = 0;

	try {
		for (; i < n; i++)
			::new (static_cast<void *>(p + i)) T();
	} catch (...) {
		while (i > 0)
			p[--i].~T();
		undo(b, mark);
		throw;
	}
}

template <class T>
T *
make_array(bump_t *b, std::size_t n, bump_mark_t mark, std::true_type)
{
	T *p = static_cast<T *>(bump_new_array_(b, n, sizeof(T), alignof(T),
	    0));

	if (p == nullptr)
		throw std::bad_alloc();
	construct_n(b, p, n, mark);
	return p;
}

/* The length goes in front of the array, for the one cleanup of them all. */
template <class T>
T *
make_array(bump_t *b, std::size_t n, bump_mark_t mark, std::false_type)
{
	const std::size_t align = alignof(T) > alignof(std::size_t) ?
	    alignof(T) : alignof(std::size_t);
	const std::size_t head =
	    (sizeof(std::size_t) + align - 1) / align * align;
	char *raw;
	T *p;

	if (n > (SIZE_MAX - head) / sizeof(T) ||
	    (raw = static_cast<char *>(bump_aligned_alloc(b, align,
	    head + n * sizeof(T)))) == nullptr)
		throw std::bad_alloc();
	p = reinterpret_cast<T *>(raw + head);
	::new (static_cast<void *>(length_of(p))) std::size_t(n);
	construct_n(b, p, n, mark);
	if (n > 0)
		own(b, p, destroy_array<T>, mark);
	return p;
}

} /* namespace detail */

/*
 * A T constructed in b from args, its destructor registered as a cleanup of
 * b (bump_cleanup(3)) unless T is trivially destructible; it runs when b
 * is reset, destroyed, or rewound past the object.  Throws std::bad_alloc
 * when b is full, and whatever T's constructor throws; either way nothing
 * is registered and b is rewound to where it was.
 */
template <class T, class... Args>
BUMP_NODISCARD_ T *
make(bump_t *b, Args &&...args)
{
	bump_mark_t mark = bump_mark(b);
	void *p = bump_new_array_(b, 1, sizeof(T), alignof(T), 0);
	T *obj;

	if (p == nullptr)
		throw std::bad_alloc();
	try {
		obj = ::new (p) T(std::forward<Args>(args)...);
	} catch (...) {
		detail::undo(b, mark);
		throw;
	}
	detail::own_one(b, obj, mark, std::is_trivially_destructible<T>());
	return obj;
}

/*
 * n value-initialized T (as std::make_unique<T[]>), destroyed last first by
 * one cleanup; no cleanup when T is trivially destructible.
 */
template <class T>
BUMP_NODISCARD_ T *
make_array(bump_t *b, std::size_t n)
{
	return detail::make_array<T>(b, n, bump_mark(b),
	    std::is_trivially_destructible<T>());
}

/* An arena that destroys itself; it throws std::bad_alloc when bump_create fails. */
class arena {
public:
	explicit arena(std::size_t reserve = 0, unsigned flags = 0)
	    : b_(bump_create(reserve, flags))
	{
		if (b_ == nullptr)
			throw std::bad_alloc();	/* errno says why */
	}
	~arena() { bump_destroy(b_); }

	arena(arena &&other) noexcept : b_(other.b_) { other.b_ = nullptr; }
	arena &operator=(arena &&other) noexcept
	{
		if (this != &other) {
			bump_destroy(b_);
			b_ = other.b_;
			other.b_ = nullptr;
		}
		return *this;
	}
	arena(const arena &) = delete;
	arena &operator=(const arena &) = delete;

	/* The arena, for the C functions; nullptr once moved from. */
	bump_t *get() const noexcept { return b_; }
	/* Give up ownership: the caller must bump_destroy() the result. */
	bump_t *release() noexcept
	{
		bump_t *b = b_;

		b_ = nullptr;
		return b;
	}

	void reset() noexcept { bump_reset(b_); }
	/* bump::make<T>(get(), args...) and bump::make_array<T>(get(), n). */
	template <class T, class... Args>
	BUMP_NODISCARD_ T *make(Args &&...args)
	{
		return bump::make<T>(b_, std::forward<Args>(args)...);
	}
	template <class T>
	BUMP_NODISCARD_ T *make_array(std::size_t n)
	{
		return bump::make_array<T>(b_, n);
	}
	std::size_t used() const noexcept { return bump_used(b_); }
	std::size_t capacity() const noexcept { return bump_capacity(b_); }
	bool owns(const void *p) const noexcept { return bump_owns(b_, p) != 0; }

private:
	bump_t *b_;
};

/*
 * An allocator for the standard containers: every allocation comes from
 * the arena, deallocate() gives the newest block back (bump_free), the
 * rest goes with the arena.  Copies, moves and swaps take the allocator
 * along; two allocators are equal when they use the same arena.
 */
template <class T>
class allocator {
public:
	using value_type = T;
	using size_type = std::size_t;
	using difference_type = std::ptrdiff_t;
	using propagate_on_container_copy_assignment = std::true_type;
	using propagate_on_container_move_assignment = std::true_type;
	using propagate_on_container_swap = std::true_type;
	using is_always_equal = std::false_type;
	template <class U>
	struct rebind {
		using other = allocator<U>;
	};

	allocator(bump_t *b) noexcept : b_(b) {}
	allocator(arena &a) noexcept : b_(a.get()) {}
	template <class U>
	allocator(const allocator<U> &other) noexcept : b_(other.get()) {}

	/* Room for n objects of T, aligned for T; throws std::bad_alloc. */
	T *allocate(std::size_t n)
	{
		void *p = bump_new_array_(b_, n, sizeof(T), alignof(T), 0);

		if (p == nullptr)
			throw std::bad_alloc();
		return static_cast<T *>(p);
	}
	void deallocate(T *p, std::size_t) noexcept { bump_free(b_, p); }

	bump_t *get() const noexcept { return b_; }

private:
	bump_t *b_;
};

template <class T, class U>
bool
operator==(const allocator<T> &a, const allocator<U> &b) noexcept
{
	return a.get() == b.get();
}

template <class T, class U>
bool
operator!=(const allocator<T> &a, const allocator<U> &b) noexcept
{
	return a.get() != b.get();
}

#if BUMP_ALLOC_HAVE_PMR
/*
 * A std::pmr::memory_resource over an arena: do_deallocate gives the newest
 * block back, and two resources are equal when they use the same arena.
 */
class memory_resource : public std::pmr::memory_resource {
public:
	explicit memory_resource(bump_t *b) noexcept : b_(b) {}
	explicit memory_resource(arena &a) noexcept : b_(a.get()) {}

	bump_t *get() const noexcept { return b_; }

private:
	void *do_allocate(std::size_t bytes, std::size_t alignment) override
	{
		void *p = bump_new_array_(b_, 1, bytes, alignment, 0);

		if (p == nullptr)
			throw std::bad_alloc();
		return p;
	}
	void do_deallocate(void *p, std::size_t, std::size_t) override
	{
		bump_free(b_, p);
	}
	bool do_is_equal(const std::pmr::memory_resource &other) const
	    noexcept override
	{
# if defined(__cpp_rtti) || defined(__GXX_RTTI)
		const memory_resource *r =
		    dynamic_cast<const memory_resource *>(&other);

		return this == &other || (r != nullptr && r->b_ == b_);
# else
		return this == &other;
# endif
	}

	bump_t *b_;
};
#endif

/* bump_mark() on construction, bump_rewind() on destruction (or rewind()). */
class scope {
public:
	explicit scope(bump_t *b) noexcept : b_(b), mark_(bump_mark(b)) {}
	explicit scope(arena &a) noexcept : scope(a.get()) {}
	~scope() { bump_rewind(b_, mark_); }
	scope(const scope &) = delete;
	scope &operator=(const scope &) = delete;

	/* Drop what was allocated since the scope began; the scope goes on. */
	void rewind() noexcept { bump_rewind(b_, mark_); }

private:
	bump_t *b_;
	bump_mark_t mark_;
};

namespace detail {
inline bump_t *arena_of(bump_t *b) noexcept { return b; }
inline bump_t *arena_of(const arena &a) noexcept { return a.get(); }
} /* namespace detail */

/*
 * The calling thread's scratch arena that is none of the arenas given
 * (bump_t * or bump::arena), marked now and rewound at the end of the
 * scope (bump_scratch(3)); throws std::bad_alloc when there is none.
 */
class scratch {
public:
	template <class... Conflicts>
	explicit scratch(const Conflicts &...conflicts)
	{
		bump_t *const in_use[] = { nullptr,
		    detail::arena_of(conflicts)... };

		b_ = bump_scratch(in_use + 1, sizeof...(conflicts));
		if (b_ == nullptr)
			throw std::bad_alloc();	/* errno says why */
		mark_ = bump_mark(b_);
	}
	~scratch() { bump_rewind(b_, mark_); }
	scratch(const scratch &) = delete;
	scratch &operator=(const scratch &) = delete;

	/* The arena, for the C functions and bump::make. */
	BUMP_NODISCARD_ bump_t *get() const noexcept { return b_; }
	/* Drop what was allocated since the scope began; the scope goes on. */
	void rewind() noexcept { bump_rewind(b_, mark_); }

private:
	bump_t *b_;
	bump_mark_t mark_;
};

} /* namespace bump */

#endif /* BUMP_ALLOC_HPP */
