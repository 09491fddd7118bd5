# python_work.py - a Python workload for the global allocator: dicts,
# lists, strings and JSON, the objects CPython mallocs above 512 bytes.
import json
total = 0
for r in range(3):
    d = {("k%d" % i): [i, str(i) * (i % 40), {"v": i}] for i in range(200000)}
    s = json.dumps(d)
    back = json.loads(s)
    total += len(s) + len(back)
    del d, back, s
print(total)
