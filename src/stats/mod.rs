//! The statistics core: pure functions over plain numbers. No I/O, no
//! polars, no web types; every estimator is tested against values computed
//! by an independent implementation (R), with the R call beside the test.

pub mod bayes;
pub mod descriptive;
pub mod fdr;
pub mod gsd;
pub mod interim;
pub mod linalg;
pub mod logistic;
pub mod monitoring;
pub mod normal;
pub mod proportions;
pub mod ranks;
pub mod rates;
pub mod special;
pub mod survival;
pub mod wins;
