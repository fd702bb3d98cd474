package bot

// Paginate is paginate, for the tests of pages without a command around them.
var Paginate = paginate
