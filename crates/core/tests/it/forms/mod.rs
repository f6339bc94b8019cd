mod answers;
mod builder;
mod engine;
mod expr_cases;
