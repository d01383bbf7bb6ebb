"""Reports generated from the data (stock-take, letter, monthly pack, SMART assessment)
arrive with the reports issue; the app is registered now so its place is fixed."""
