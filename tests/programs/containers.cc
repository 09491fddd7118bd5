// containers.cc - C++ standard containers over operator new, for the
// real-program test of the global allocator.  Prints a deterministic digest.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

static unsigned long
work(unsigned seed)
{
	std::map<std::string, std::vector<int>> m;
	std::unordered_map<int, std::string> u;
	unsigned long digest = 0;

	for (int i = 0; i < 50000; i++) {
		seed = seed * 1103515245u + 12345u;
		std::string key = "k" + std::to_string(seed % 5000);
		m[key].push_back(i);
		u[(int)(seed % 20000)] = key + "/" + std::to_string(i);
		if (i % 3 == 0)
			u.erase((int)((seed >> 8) % 20000));
		if (i % 7 == 0 && !m.empty())
			m.erase(m.begin());
	}
	for (auto &kv : m)
		digest = digest * 31 + kv.second.size() + kv.first.size();
	std::vector<std::string> keys;
	for (auto &kv : u)
		keys.push_back(kv.second);
	std::sort(keys.begin(), keys.end());
	for (auto &k : keys)
		digest = digest * 131 + k.size() + (unsigned char)k.back();
	auto shared = std::make_shared<std::vector<double>>(100000, 1.5);
	digest += (unsigned long)shared->size();
	return digest;
}

int
main()
{
	unsigned long results[4];
	std::vector<std::thread> threads;

	for (unsigned t = 0; t < 4; t++)
		threads.emplace_back([t, &results] { results[t] = work(t + 1); });
	for (auto &th : threads)
		th.join();
	for (unsigned t = 0; t < 4; t++)
		std::printf("thread %u: %lu\n", t, results[t]);
	return 0;
}
