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
 *
 * See bump_alloc.hpp(3).  Link as for C: pkg-config --libs bump_alloc.
 */
#ifndef BUMP_ALLOC_HPP
#define BUMP_ALLOC_HPP

#include <bump_alloc.h>

#include <cstddef>
#include <new>
#include <type_traits>

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

namespace bump {

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

} /* namespace bump */

#endif /* BUMP_ALLOC_HPP */
