"""Combines the per-cell JSON of several `sparkcl ablate` folders of the same budget: mean ± std of the test
accuracy per variant over seeds, and paired differences against the CE control of the same seeds."""
import json, math, sys, glob, os
from statistics import mean, stdev

T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571}

def variant(c):
    cfg = c['config']
    m = cfg['method']
    pool = cfg.get('pooling', 'cls')
    if m == 'ce':
        return f"ce, {pool} pooling"
    return f"{m} λ={cfg['lambda']}, {pool} pooling" + ("" if cfg.get('label-order', 'shuffled') == 'shuffled' else ", fixed label order") \
        + ("" if cfg.get('lr-schedule', 'linear') == 'linear' else ", constant lr")

cells = []
for folder in sys.argv[1:]:
    for f in sorted(glob.glob(os.path.join(folder, 'results', 'cells', '*.json'))):
        c = json.load(open(f))
        c['_ablation'] = os.path.basename(folder.rstrip('/'))
        cells.append(c)
by = {}
for c in cells:
    by.setdefault(variant(c), {})[c['config']['seed']] = c['selected_model']['test_accuracy']
print("| variant | seeds | test accuracy, mean ± std | per seed |")
print("|---|---|---|---|")
for v, s in by.items():
    vals = [s[k] for k in sorted(s)]
    sd = f"{stdev(vals):.4f}" if len(vals) > 1 else "–"
    print(f"| {v} | {len(vals)} | {mean(vals):.4f} ± {sd} | " + ", ".join(f"{k}: {s[k]:.4f}" for k in sorted(s)) + " |")
def key(c):
    cfg = c['config']
    return (cfg['method'], None if cfg['method'] == 'ce' else cfg['lambda'], cfg.get('pooling', 'cls'),
            cfg.get('label-order', 'shuffled'), cfg.get('lr-schedule', 'linear'))

keys = {}
for c in cells:
    keys[variant(c)] = key(c)

def pairs():
    """(B, A): DualCL against CE of the same pooling; mean against cls pooling of the same method and λ;
    λ 0.5 against λ 0.1 of the same pooling; fixed against shuffled label order; constant against linear lr."""
    for vb, (m, lam, pool, order, sched) in keys.items():
        for va, (m2, lam2, pool2, order2, sched2) in keys.items():
            if m != 'ce' and m2 == 'ce' and pool == pool2:
                yield vb, va
            elif order != order2 or sched != sched2:
                if (m, lam, pool) == (m2, lam2, pool2) and sched2 == 'linear' and order2 == 'shuffled':
                    yield vb, va
            elif m == m2 and lam == lam2 and pool == 'mean' and pool2 == 'cls':
                yield vb, va
            elif m == m2 == 'dualcl' and pool == pool2 and lam == 0.5 and lam2 == 0.1:
                yield vb, va

print()
print("| B − A | common seeds | mean difference ± std | 95% t-interval |")
print("|---|---|---|---|")
for vb, va in pairs():
    s, cs = by[vb], by[va]
    common = sorted(set(s) & set(cs))
    if not common:
        continue
    d = [s[k] - cs[k] for k in common]
    if len(d) > 1:
        sd = stdev(d); h = T975[len(d) - 1] * sd / math.sqrt(len(d))
        ci = f"[{mean(d) - h:+.4f}, {mean(d) + h:+.4f}]"
        sds = f"{sd:.4f}"
    else:
        sds = "–"; ci = "–"
    print(f"| {vb} − {va} | {len(d)} | {mean(d):+.4f} ± {sds} | {ci} |")
