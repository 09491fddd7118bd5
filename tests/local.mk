## ---- Tests (included by Makefile.am) -----------------------------------

# Every test program's defaults: Check and threads, over the arena library.
AM_CFLAGS = $(BASE_CFLAGS) $(CHECK_CFLAGS) $(PTHREAD_CFLAGS)
AM_CXXFLAGS = $(CXX_SANITIZE_FLAGS) $(CHECK_CFLAGS) $(PTHREAD_CFLAGS)
LDADD = lib/libbump_alloc.la $(CHECK_LIBS) $(PTHREAD_CFLAGS)
# Without a DLL, the tests link the static library and must not dllimport.
if WINDOWS_STATIC_ONLY
AM_CFLAGS += -DBUMP_ALLOC_STATIC
endif
noinst_HEADERS = tests/testutil.h tests/wrap_os.h

# Every Check suite is a test program (tests/NAME.c); other check_PROGRAMS
# are helpers.  The shell tests read their settings from the environment.
CHECK_SUITES =
if HAVE_CHECK
CHECK_SUITES += tests/test_create tests/test_alloc tests/test_reset \
	tests/test_strings tests/test_query tests/test_threads tests/test_seed \
	tests/test_new tests/test_grow tests/test_fastpath tests/test_edges \
	tests/test_scale tests/test_destroyed tests/test_own
if HAVE_CXX
CHECK_SUITES += tests/test_cxx
endif
if BUILD_MALLOC
CHECK_SUITES += tests/test_malloc
endif
if HAVE_LD_WRAP
if OS_POSIX
CHECK_SUITES += tests/test_fault tests/test_chunks
endif
endif
endif
check_PROGRAMS = $(CHECK_SUITES)
TESTS = $(CHECK_SUITES) tests/check_compilers.sh tests/check_symbols.sh \
	tests/check_man.sh tests/check_version.sh
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(top_srcdir)' top_builddir='$(top_builddir)' \
	NM='$(NM)' MANDOC='$(MANDOC)' CC='$(CC)' CXX='$(CXX)' \
	CXX_WORKS='$(BUMP_CXX_WORKS)' EXEEXT='$(EXEEXT)' \
	CXX_SANITIZE_FLAGS='$(CXX_SANITIZE_FLAGS)' VALGRIND='$(VALGRIND)' \
	BUMP_ALLOC_MALLOC_SONAME='$(BUMP_ALLOC_MALLOC_SONAME)' \
	PACKAGE_VERSION='$(PACKAGE_VERSION)'; \
	export top_srcdir top_builddir NM MANDOC CC CXX CXX_WORKS EXEEXT \
	CXX_SANITIZE_FLAGS VALGRIND BUMP_ALLOC_MALLOC_SONAME PACKAGE_VERSION;

# A cross build for Windows runs its test programs under wine.
if RUN_UNDER_WINE
LOG_COMPILER = $(SHELL) $(top_srcdir)/tests/wine-run.sh
AM_TESTS_ENVIRONMENT += WINE='$(WINE)' WINE_DLLPATH='$(WINE_DLLPATH)' \
	OBJDUMP='$(OBJDUMP)'; export WINE WINE_DLLPATH OBJDUMP;
endif

# C++: <bump_alloc.hpp> over the standard containers, built with $(CXX);
# check_compilers.sh builds user programs with every C and C++ compiler
# found (gcc, clang, g++, clang++) at each language level, warnings fatal.
tests_test_cxx_SOURCES = tests/test_cxx.cc

# The malloc replacement linked in: its suite, a seeded stress test
# (threads, cross-thread frees, thread churn, every function), its soak
# (the stress test's RSS flat after warm-up; seconds here, longer in
# .ci/harden.sh), real programs under it and bump-run as built (options,
# help, exit statuses).
if BUILD_MALLOC
check_PROGRAMS += tests/stress_malloc
TESTS += tests/stress_malloc tests/soak_malloc.sh tests/check_programs.sh \
	tests/check_bump_run.sh
endif
MALLOC_TEST_CFLAGS = $(AM_CFLAGS) -fno-builtin
tests_test_malloc_CFLAGS = $(MALLOC_TEST_CFLAGS)
tests_test_malloc_LDADD = lib/libbump_alloc_malloc.la $(CHECK_LIBS) \
	$(PTHREAD_CFLAGS)
tests_test_malloc_LDFLAGS = -no-install
tests_stress_malloc_CFLAGS = $(MALLOC_TEST_CFLAGS)
tests_stress_malloc_LDADD = lib/libbump_alloc_malloc.la $(PTHREAD_CFLAGS)
tests_stress_malloc_LDFLAGS = -no-install

## ---- Hardening: sanitizers, Valgrind, fault injection, fuzzing ---------

# A program with one memory bug per argument; the tools must report each.
# -no-install: a real binary, not a libtool wrapper, so valgrind can run it.
# ASan and memcheck are POSIX tools: not in a Windows build.
if OS_POSIX
check_PROGRAMS += tests/tool_victim
TESTS += tests/check_tools.sh
endif
tests_tool_victim_LDADD = lib/libbump_alloc.la
tests_tool_victim_LDFLAGS = -no-install

# The Check suites under memcheck: every error fails the suite.  Check's
# fork mode is fine (valgrind follows fork); BUMP_TEST_VALGRIND lets the
# suites skip what is meaningless there (RSS figures, 64 GiB reserves).
# Left out: test_malloc (memcheck replaces malloc itself), test_fault and
# test_chunks (their own copy of the library, its OS layer wrapped) and
# test_fastpath, none of which has ever run under memcheck.
VALGRIND_SKIP = tests/test_malloc tests/test_fault tests/test_chunks \
	tests/test_fastpath
VALGRIND_FLAGS = -q --error-exitcode=99 --leak-check=no
if HAVE_VALGRIND
check-valgrind:
	@suites=; for t in $(CHECK_SUITES); do \
		case " $(VALGRIND_SKIP) " in *" $$t "*) ;; *) suites="$$suites $$t";; esac; \
	done; \
	echo "check-valgrind:$$suites"; \
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$$suites" \
		LOG_COMPILER='$(LIBTOOL) --mode=execute $(VALGRIND) $(VALGRIND_FLAGS)' \
		TESTS_ENVIRONMENT='BUMP_TEST_VALGRIND=1 CK_TIMEOUT_MULTIPLIER=10; export BUMP_TEST_VALGRIND CK_TIMEOUT_MULTIPLIER;'
else
check-valgrind:
	@echo "check-valgrind: valgrind not found (Debian: apt-get install valgrind)"; exit 1
endif
.PHONY: check-valgrind

# Fault injection (test_fault) and the chunk layer on its own (test_chunks):
# each links its own copy of the arena core and the chunk layer (a static
# archive) with the OS layer wrapped by the linker, so nothing of it
# reaches the installed library.  tests/wrap_os.h holds the wrappers.
WRAP_OS_LINK = -Wl,--wrap=bump__os_reserve \
	-Wl,--wrap=bump__os_reserve_aligned -Wl,--wrap=bump__os_commit \
	-Wl,--wrap=bump__os_commit_prefaulted -Wl,--wrap=bump__os_decommit \
	-Wl,--wrap=bump__os_purge
WRAP_OS_INCLUDES = $(AM_CPPFLAGS) -I$(top_srcdir)/lib -DBUMP_ALLOC_BUILDING
WRAP_OS_LIBS = lib/libbump_chunks.la $(CHECK_LIBS) $(PTHREAD_CFLAGS)
tests_test_fault_SOURCES = tests/test_fault.c $(CORE_SOURCES)
tests_test_fault_CPPFLAGS = $(WRAP_OS_INCLUDES)
tests_test_fault_LDADD = $(WRAP_OS_LIBS)
tests_test_fault_LDFLAGS = $(WRAP_OS_LINK)
# test_chunks also makes the huge page probe and hint fail (open, madvise).
tests_test_chunks_SOURCES = tests/test_chunks.c $(CORE_SOURCES)
tests_test_chunks_CPPFLAGS = $(WRAP_OS_INCLUDES)
tests_test_chunks_LDADD = $(WRAP_OS_LIBS)
tests_test_chunks_LDFLAGS = $(WRAP_OS_LINK) -Wl,--wrap=open \
	-Wl,--wrap=madvise

# make fuzz: the libFuzzer targets, with clang whatever CC is; make fuzz-run
# runs each for FUZZ_TIME seconds from its seed corpus and fails on a
# finding.  They compile the libraries' own source lists (their .c files)
# themselves: fuzz_arena the arena core, fuzz_malloc the malloc replacement
# with every name of lib/malloc.sym renamed (malloc -> bumpfz_malloc, ...),
# so that libFuzzer's and the sanitizers' own allocations stay with the C
# library while the harness calls the replacement.
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
# Not ASan for fuzz_malloc: it cannot see inside the replacement's own
# mappings (the model's patterns and interval set do), and its work at
# every thread's exit halves the executions a second.
FUZZ_MALLOC_FLAGS = -g -O1 -fsanitize=fuzzer,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_TIME = 60
FUZZ_FILES = tests/fuzz/fuzz_arena.c tests/fuzz/fuzz.h $(CORE_SOURCES) \
	$(lib_libbump_chunks_la_SOURCES)
FUZZ_SEEDS = tests/fuzz/corpus/grow_realloc tests/fuzz/corpus/marks \
	tests/fuzz/corpus/strings tests/fuzz/corpus/edges \
	tests/fuzz/corpus/threadsafe tests/fuzz/corpus/chunks \
	tests/fuzz/corpus/regress_commit_after_rewind \
	tests/fuzz/corpus/owned
FUZZ_MALLOC_SEEDS = tests/fuzz/corpus_malloc/threads \
	tests/fuzz/corpus_malloc/handoff_exit tests/fuzz/corpus_malloc/realloc \
	tests/fuzz/corpus_malloc/aligned tests/fuzz/corpus_malloc/refused \
	tests/fuzz/corpus_malloc/burst tests/fuzz/corpus_malloc/large \
	tests/fuzz/corpus_malloc/regress_realloc_large_new_thread \
	tests/fuzz/corpus_malloc/regress_large_usable_race
FUZZ_TARGETS = tests/fuzz/fuzz_arena
CLEANFILES += tests/fuzz/fuzz_arena tests/fuzz/fuzz_malloc
fuzz: $(FUZZ_TARGETS)
tests/fuzz/fuzz_arena: $(FUZZ_FILES) config.h
	@test -n "$(FUZZ_CC)" || { echo "make fuzz needs clang (FUZZ_CC)"; exit 1; }
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_FLAGS) $(DEFS) -I$(top_builddir) \
		$(AM_CPPFLAGS) -I$(top_srcdir)/lib -DBUMP_ALLOC_BUILDING -o $@ \
		`for f in $(FUZZ_FILES); do \
			case $$f in *.c) echo $(srcdir)/$$f;; esac; done`
if BUILD_MALLOC
FUZZ_TARGETS += tests/fuzz/fuzz_malloc
FUZZ_MALLOC_FILES = tests/fuzz/fuzz_malloc.c tests/fuzz/fuzz.h \
	$(lib_libbump_alloc_malloc_la_SOURCES) $(lib_libbump_chunks_la_SOURCES)
tests/fuzz/fuzz_malloc: $(FUZZ_MALLOC_FILES) lib/malloc.sym config.h
	@test -n "$(FUZZ_CC)" || { echo "make fuzz needs clang (FUZZ_CC)"; exit 1; }
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CC)$(FUZZ_CC) $(FUZZ_MALLOC_FLAGS) $(MALLOC_CFLAGS) -pthread $(DEFS) \
		-I$(top_builddir) $(AM_CPPFLAGS) -I$(top_srcdir)/lib \
		`sed 's/.*/-D&=bumpfz_&/' $(srcdir)/lib/malloc.sym` -o $@ \
		`for f in $(FUZZ_MALLOC_FILES); do \
			case $$f in *.c) echo $(srcdir)/$$f;; esac; done`
endif
fuzz-run: $(FUZZ_TARGETS)
	@rm -rf tests/fuzz/work
	@for t in $(FUZZ_TARGETS); do \
		name=$${t##*/fuzz_}; corpus=corpus; \
		test $$name = arena || corpus=corpus_$$name; \
		$(MKDIR_P) tests/fuzz/work/$$name || exit 1; \
		echo "$$t: $(FUZZ_TIME) s from tests/fuzz/$$corpus"; \
		$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			-timeout=10 -rss_limit_mb=3072 tests/fuzz/work/$$name \
			$(srcdir)/tests/fuzz/$$corpus || exit 1; \
	done
clean-local: clean-fuzz
clean-local: clean-examples
clean-fuzz:
	rm -rf tests/fuzz/work
.PHONY: fuzz fuzz-run clean-fuzz

# The test scripts and the files they use.
EXTRA_DIST += tests/check_compilers.sh tests/user_program.c \
	tests/user_program.cc \
	tests/check_symbols.sh tests/symbols.txt tests/malloc_symbols.txt \
	tests/check_man.sh tests/check_version.sh tests/check_tools.sh \
	tests/wine-run.sh \
	tests/check_programs.sh tests/check_bump_run.sh tests/soak_malloc.sh \
	tests/programs/containers.cc tests/programs/churn.c \
	tests/programs/deepbind_lib.c tests/programs/deepbind_main.c \
	tests/check_pkgconfig.sh tests/pkgconfig_demo.c tests/malloc_demo.c \
	tests/check_cmake.sh tests/cmake_demo/CMakeLists.txt \
	tests/fuzz/fuzz_arena.c tests/fuzz/make_seeds.py $(FUZZ_SEEDS) \
	tests/fuzz/fuzz_malloc.c tests/fuzz/fuzz.h $(FUZZ_MALLOC_SEEDS)

# The examples against the installed library (examples/build.sh builds
# them with pkg-config, as a user would); skipped before `make install`.
TESTS += tests/check_examples.sh
EXTRA_DIST += tests/check_examples.sh
AM_TESTS_ENVIRONMENT += PKG_CONFIG='$(PKG_CONFIG)'; export PKG_CONFIG;

# README's Debian route names what debian/ builds and needs; the symbols
# files name every exported function (skipped in a tarball: no debian/).
TESTS += tests/check_debian.sh
EXTRA_DIST += tests/check_debian.sh
