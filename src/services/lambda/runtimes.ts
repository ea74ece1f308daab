/**
 * When AWS deprecates each Lambda runtime (stops patching it and blocks new functions on it,
 * stage one of its runtime support policy), from the tables of deprecated and supported runtimes
 * on https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html as published in early
 * 2026. Future dates are AWS's forecast and may move: update this table when AWS changes them.
 *
 * Left out on purpose: java8.al2, java11, java17 and provided.al2, whose dates AWS was revising
 * around Amazon Linux 2's end of life, so no date is claimed for them (they are never reported).
 * A runtime missing from the table (a new one, or an image function without `Runtime`) is
 * never reported either.
 */
export const RUNTIME_DEPRECATION: Readonly<Record<string, string>> = Object.freeze({
  nodejs: '2016-10-31',
  'nodejs4.3': '2020-03-05',
  'nodejs4.3-edge': '2019-04-30',
  'nodejs6.10': '2019-08-12',
  'nodejs8.10': '2020-03-06',
  'nodejs10.x': '2021-07-30',
  'nodejs12.x': '2023-03-31',
  'nodejs14.x': '2023-12-04',
  'nodejs16.x': '2024-06-12',
  'nodejs18.x': '2025-09-01',
  'nodejs20.x': '2026-04-30',
  'nodejs22.x': '2027-04-30',
  'nodejs24.x': '2028-04-30',
  'python2.7': '2021-07-15',
  'python3.6': '2022-07-18',
  'python3.7': '2023-12-04',
  'python3.8': '2024-10-14',
  'python3.9': '2025-12-15',
  'python3.10': '2026-06-30',
  'python3.11': '2026-06-30',
  'python3.12': '2028-10-31',
  'python3.13': '2029-06-30',
  'python3.14': '2029-06-30',
  'ruby2.5': '2021-07-30',
  'ruby2.7': '2023-12-07',
  'ruby3.2': '2026-03-31',
  'ruby3.3': '2027-03-31',
  'ruby3.4': '2028-03-31',
  java8: '2024-01-08',
  java21: '2029-06-30',
  java25: '2029-06-30',
  'go1.x': '2024-01-08',
  provided: '2024-01-08',
  'dotnetcore1.0': '2019-07-30',
  'dotnetcore2.0': '2019-05-30',
  'dotnetcore2.1': '2022-01-05',
  'dotnetcore3.1': '2023-04-03',
  dotnet6: '2024-12-20',
  dotnet8: '2026-11-10',
  dotnet10: '2028-11-14',
});
