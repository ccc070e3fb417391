"""Every tunable number of matching and rating, in one place, with how it was chosen.

How they were chosen: a coarse grid search (bench/tune.py) on the seed pair's gold, keeping a
value only where the national 2021→2022 gold (a different genre, different writers) moved the
same way or did not move; round values were preferred over the exact grid optimum. One set of
parameters serves both genres: nothing here refers to a particular report.

Signals for a (commitment clause, statement) pair, all in [0, 1] or close to it:
  csls     embedding similarity relative to the neighbourhood (cross-domain similarity local
           scaling): 2·cos(x, y) − r(x) − r(y), r = mean cosine to the k nearest on the other side.
           Raw m3e cosine is 0.6–0.8 even for unrelated government sentences; CSLS is ~0 there.
  terms    IDF-weighted share of the clause's distinctive character n-grams found in the
           statement (boilerplate such as 推进/加快/建设 weighs nearly nothing).
  rare     the largest IDF of an n-gram (3+ chars) the two share, scaled to [0, 1]: one shared
           proper name (花果山, 星之光, 锦绣传奇) is strong evidence by itself.
  fuzzy    rapidfuzz partial_ratio of clause and statement on characters, / 100.
"""

CSLS_NEIGHBOURS = 5  # k for the CSLS neighbourhood

# Logistic weights fitted (class-balanced, L2 1e-3) on gold evidence pairs of both gold files
# together, then rounded; fitting on the seed alone gives nearly the same weights (7.0/4.4/2.2/3.7).
WEIGHTS = {"csls": 7.5, "terms": 3.5, "rare": 2.0, "fuzzy": 4.0}
BIAS = -0.75  # fused = sigmoid(sum(w·signal) + BIAS)

# Penalty (per logit unit) for a pair whose statement is claimed more strongly by another clause.
COMPETITION = 0.2

# Statements whose fused score reaches this are listed as candidate evidence (strongest first, at
# most SENTENCE_EVIDENCE_LIMIT); whether a commitment has evidence at all is the rating model's call.
LIST_THRESHOLD = 0.5
# Once a statement is evidence, the clauses it scores above this count as covered.
COVER_THRESHOLD = 0.7
SENTENCE_EVIDENCE_LIMIT = 5
SUPPORT_LOGIT = 2.0  # a statement at or above this fused logit counts as support (feature "support")

# Commitment-level rating models (logistic; see match.commitment_features for the features).
# Fitted by bench/fit_rating.py on both gold files together (class-balanced, L2 1.0 on
# standardised features), after checking that a model fitted on one genre holds on the other.
FEATURES = ("csls", "terms", "rare", "fused", "clause_mean", "clause_min", "support", "clauses")
# Cross-genre accuracy when fitted on one gold and scored on the other: EVIDENCED 0.81 (seed ->
# national) and 0.77 (national -> seed); COMPLETE 0.67 both ways.
# P(the review addresses the commitment):
EVIDENCED = {"bias": -3.011, "weights": {"csls": 18.682, "terms": 1.093, "rare": 1.029, "fused": -0.003,
                                         "clause_mean": -0.42, "clause_min": 1.72, "support": 0.141, "clauses": 0.955}}
# P(all of it reported done | addressed):
COMPLETE = {"bias": -2.830, "weights": {"csls": 4.21, "terms": 3.403, "rare": -0.096, "fused": -0.352,
                                        "clause_mean": 2.041, "clause_min": 1.634, "support": 0.583, "clauses": -0.52}}

# Carried over: a commitment whose strongest fused logit against the next plan's commitments reaches
# this is promised again. Chosen on both gold files' `carried_over` labels (best thresholds 3.5 seed,
# 2.9 national); at 3.25 agreement is accuracy 0.71 / kappa 0.43 (seed), 0.83 / 0.55 (national).
CARRIED_LOGIT = 3.25

NGRAM_SIZES = (2, 3, 4)
RARE_MIN_SIZE = 3  # n-grams shorter than this never count as a "rare" shared name
RARE_IDF_FLOOR = 0.55  # share of the maximum IDF below which a shared n-gram is not rare

# A clause is a concrete part of a commitment when it carries something checkable: a number, a
# quoted name or enough distinctive n-grams; purpose clauses (提升…能力) are not counted as parts.
CONCRETE_TERM_MASS = 2.5

# Numeric comparison: tolerance for "about" (左右) targets, in the target's unit (percentage points
# for rates, relative for levels).
ABOUT_TOLERANCE_POINTS = 0.3
ABOUT_TOLERANCE_RELATIVE = 0.05
# Measures where a lower figure is the good direction (a ceiling even without 以内).
LOWER_IS_BETTER = ("价格", "涨幅", "失业率", "赤字", "能耗", "排放", "事故", "负债", "PM2.5", "浓度")
