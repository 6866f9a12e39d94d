"""qagraph.retrieval"""
