# Golden weights for tests/analysis/test_weighting.py from R's survey::rake, run to convergence.
# Run from this folder:  Rscript make_rake_golden.R   (needs Debian's r-cran-survey, r-cran-yaml)
# Reads rake_respondents.csv and rake_margins.yaml, writes rake_weights.csv (respondent,weight).
suppressPackageStartupMessages({
  library(survey)
  library(yaml)
})

respondents <- read.csv("rake_respondents.csv", colClasses = "character")
margins <- yaml::read_yaml("rake_margins.yaml")
n <- nrow(respondents)

design <- svydesign(ids = ~1, data = respondents, weights = rep(1, n))
sample_margins <- lapply(names(margins), function(variable) as.formula(paste("~", variable)))
population_margins <- lapply(names(margins), function(variable) {
  table <- data.frame(names(margins[[variable]]), unlist(margins[[variable]]) * n)
  names(table) <- c(variable, "Freq")
  table
})
raked <- rake(design, sample_margins, population_margins,
              control = list(maxit = 1000, epsilon = 1e-10, verbose = FALSE))

weights <- weights(raked)
out <- data.frame(respondent = respondents$respondent, weight = weights / mean(weights))
write.csv(out, "rake_weights.csv", row.names = FALSE, quote = FALSE)
cat(sprintf("rake_weights.csv: %d weights, range %.6f .. %.6f, R %s, survey %s\n", n,
            min(out$weight), max(out$weight), getRversion(), packageVersion("survey")))
